/**
 * The caller's side: one connection per owner, opened on first use, greeted
 * with who this thread is. A connection that closes (the owner is gone) fails
 * every pending call and every later one with InvalidStateError, promptly.
 */
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { threadId } from 'node:worker_threads';

import { InvalidStateError } from '../errors.js';
import type { FromBroker, ToBroker } from './broker.js';
import { frame, FrameReader, frameTell } from './frames.js';
import { SHUT_DOWN } from './served.js';
import { rebuildFailure } from './wire-error.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

const clients = new Map<string, BrokerClient>();

/** What a one-way call returns once its bytes are with the kernel (shared: a promise cannot be changed). */
const SENT = Promise.resolve();

export class BrokerClient {
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #owner: string;
  /** Primitives the owner announced as shut down: a one-way call on one fails here. */
  readonly #closed = new Set<number>();
  /** What runs when a primitive's notice arrives, by primitive id. */
  readonly #listeners = new Map<number, () => void>();
  #next = 1;
  #failure: Error | null = null;
  /** Resolves once the owner knows this thread (its greeting answered): holding may begin. */
  readonly ready: Promise<void>;
  #welcomed!: () => void;
  /** Set once the greeting is answered: from then on this connection knows every primitive shut down. */
  #knowsClosed = false;
  #refused!: (error: Error) => void;
  readonly #goneController = new AbortController();
  /** Aborted, with the error every call then gets, once the connection to the owner is lost. */
  readonly gone: AbortSignal = this.#goneController.signal;

  /** The connection to the broker at `address`, opened on first use. */
  static to(address: string, ownerPid: number): BrokerClient {
    let client = clients.get(address);
    if (!client) {
      client = new BrokerClient(address, ownerPid);
      clients.set(address, client);
    }
    return client;
  }

  private constructor(address: string, ownerPid: number) {
    this.#owner = ownerPid === process.pid ? 'another thread of this process' : `process ${ownerPid}`;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#welcomed = resolve;
      this.#refused = reject;
    });
    // Awaited by the holder paths only; a failure also reaches every call.
    this.ready.catch(() => {});
    const socket = connect(address);
    this.#socket = socket;
    socket.unref();
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, (message) => this.#receive(message as FromBroker));
      } catch (error) {
        // An answer that cannot be read: the connection is of no more use, every call fails.
        this.#fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(null));
    this.#send({ t: 'hello', pid: process.pid, threadId });
  }

  /** Calls `method` of primitive `id` at the owner. */
  call(id: number, method: string, args: readonly unknown[]): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#gone());
    const n = this.#next++;
    const answer = new Promise<unknown>((resolve, reject) => this.#pending.set(n, { resolve, reject }));
    // A pending call keeps this process alive, as a blocking call would in Python.
    if (this.#pending.size === 1) this.#socket.ref();
    this.#send({ t: 'call', n, id, method, args });
    return answer;
  }

  /**
   * Sends a call that has no answer. Resolves once its bytes are with the kernel: a process that exits
   * from then on still delivers it, and calls sent later on this connection run after it at the owner.
   * A caller writing faster than the owner reads waits here for the socket to drain.
   */
  tell(id: number, method: string, args: readonly unknown[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#gone());
    if (this.#closed.has(id)) return Promise.reject(new InvalidStateError(SHUT_DOWN));
    // Until the welcome says what was shut down, only an answer can say whether this primitive was.
    if (!this.#knowsClosed) return this.call(id, method, args).then(() => undefined);
    const socket = this.#socket;
    let settle: ((error: Error | null | undefined) => void) | null = null;
    socket.write(frameTell(id, method, args), (error) => settle?.(error));
    if (socket.writableLength === 0) return SENT;
    return new Promise<void>((resolve, reject) => {
      settle = (error) => (error || this.#failure ? reject(this.#gone()) : resolve());
    });
  }

  /** Runs `listener` when the primitive `id` sends this thread its notice (one listener per primitive). */
  listen(id: number, listener: () => void): void {
    this.#listeners.set(id, listener);
  }

  #receive(message: FromBroker): void {
    switch (message.t) {
      case 'welcome':
        for (const id of message.closed) this.#closed.add(id);
        this.#knowsClosed = true;
        this.#welcomed();
        return;
      case 'closed':
        for (const id of message.ids) this.#closed.add(id);
        this.#send({ t: 'closedSeen', n: message.n });
        return;
      case 'notice':
        this.#listeners.get(message.id)?.();
        return;
      default:
        this.#answer(message);
    }
  }

  #answer(message: Extract<FromBroker, { t: 'ok' | 'err' }>): void {
    const pending = this.#pending.get(message.n);
    if (!pending) return;
    this.#pending.delete(message.n);
    if (this.#pending.size === 0) this.#socket.unref();
    if (message.t === 'ok') {
      if (message.ack) this.#send({ t: 'ack', n: message.n });
      pending.resolve(message.value);
    } else {
      pending.reject(rebuildFailure(message.error));
    }
  }

  #send(message: ToBroker): void {
    if (!this.#socket.destroyed) this.#socket.write(frame(message));
  }

  #gone(): InvalidStateError {
    return new InvalidStateError(`The owner of this shared primitive (${this.#owner}) is gone`, { cause: this.#failure ?? undefined });
  }

  #fail(error: Error | null): void {
    if (this.#failure) return;
    this.#failure = error ?? new Error('connection closed');
    this.#socket.destroy();
    const gone = this.#gone();
    this.#goneController.abort(gone);
    this.#refused(gone);
    for (const pending of this.#pending.values()) pending.reject(gone);
    this.#pending.clear();
  }
}
