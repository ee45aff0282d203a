/**
 * The owner's side of sharing: one broker per thread that owns primitives.
 * It opens a Unix domain socket the first time a primitive of this thread
 * leaves it, serves calls from other threads and processes on the owner's
 * state, and treats a closed connection as its caller's death: waits on its
 * behalf stop, answers it never acknowledged are undone, and what it held is
 * released.
 */
import { unlinkSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { createServer } from 'node:net';

import { InvalidStateError } from '../errors.js';
import { brokerAddress, REMOTE_AGENTS } from './agent.js';
import { frame, FrameReader } from './frames.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN } from './served.js';
import { flattenFailure } from './wire-error.js';

/**
 * What a caller sends: a greeting first (who it is), then calls, one-way calls (`tell`: no answer, for
 * effects that cannot fail at the owner), acknowledgements of answers, and of shutdown notices.
 */
export type ToBroker =
  | { readonly t: 'hello'; readonly pid: number; readonly threadId: number }
  | { readonly t: 'call'; readonly n: number; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly t: 'tell'; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly t: 'ack'; readonly n: number }
  | { readonly t: 'closedSeen'; readonly n: number };

/**
 * What the broker sends: answers (`ack` asks the caller to confirm it received the value), notices that
 * primitives were shut down (so that a later one-way call fails at the caller), and a primitive's own
 * notice to this caller (a queue recalling the items it leased to it).
 */
export type FromBroker =
  | { readonly t: 'welcome'; readonly agent: number; readonly closed: readonly number[] }
  | { readonly t: 'ok'; readonly n: number; readonly value: unknown; readonly ack?: true }
  | { readonly t: 'err'; readonly n: number; readonly error: { readonly name: string; readonly message: string } }
  | { readonly t: 'closed'; readonly n: number; readonly ids: readonly number[] }
  | { readonly t: 'notice'; readonly id: number };

let current: Broker | null = null;

/**
 * How long a shutdown waits for one caller to confirm it saw the notice. A caller that reads its socket
 * confirms within a round trip; one stuck in a synchronous loop must not hold the owner's shutdown up
 * forever (Python's does not wait for its clients at all), at the price that a one-way call it makes
 * after the limit may be dropped instead of rejected.
 */
const ANNOUNCE_WAIT_MS = 2_000;

export class Broker {
  readonly address = brokerAddress();
  readonly #served = new Map<number, Served>();
  readonly #callers = new Set<CallerLink>();
  /** Ids shut down since callers were last told. */
  #dropped: number[] = [];
  /** Every id shut down: a caller that connects later is told in its welcome. */
  readonly #closed: number[] = [];
  #nextNotice = 1;
  #server: Server | null = null;
  #nextId = 1;
  #nextAgent = REMOTE_AGENTS;

  /** This thread's broker (made on first use). */
  static here(): Broker {
    current ??= new Broker();
    return current;
  }

  /** This thread's broker if it exists: an address that is not its own belongs to someone else. */
  static existing(): Broker | null {
    return current;
  }

  /** Serves `state` to other threads and processes; returns its id. Starts listening on first use. */
  share(state: Served): number {
    this.#listen();
    const id = this.#nextId++;
    this.#served.set(id, state);
    return id;
  }

  lookup(id: number): Served | undefined {
    return this.#served.get(id);
  }

  /** Stops serving `id` (shut down): later calls from elsewhere fail with InvalidStateError. */
  drop(id: number): void {
    if (!this.#served.delete(id)) return;
    this.#dropped.push(id);
    this.#closed.push(id);
  }

  /**
   * Tells every caller which primitives were dropped since the last time, and resolves once each one has
   * seen it (or is gone): from then on a one-way call on them fails at the caller, as a call would here.
   */
  async announceDrops(): Promise<void> {
    const ids = this.#dropped;
    if (ids.length === 0) return;
    this.#dropped = [];
    const n = this.#nextNotice++;
    await Promise.all([...this.#callers].map((caller) => caller.announce(n, ids)));
  }

  #listen(): void {
    if (this.#server) return;
    const server = createServer((socket) => this.#accept(socket));
    // Sharing never keeps the owner alive: Python's primitives die with their process too.
    server.unref();
    // Binding a Unix socket happens within listen(), so a handle may leave as soon as this returns.
    server.listen(this.address);
    this.#server = server;
    if (!this.address.startsWith('\0')) {
      const path = this.address;
      process.once('exit', () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      });
    }
  }

  #accept(socket: Socket): void {
    socket.unref();
    const reader = new FrameReader();
    const link = new CallerLink(socket, this);
    this.#callers.add(link);
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, (message) => link.receive(message as ToBroker));
      } catch {
        // A frame this broker cannot read or does not know: that caller is cut off, the owner goes on.
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#callers.delete(link);
      link.gone();
    });
  }

  /** Every primitive shut down so far. */
  get closed(): readonly number[] {
    return this.#closed;
  }

  /** An agent number for a caller: a thread of this process keeps its own, another process gets a new one. */
  agentFor(pid: number, threadId: number): number {
    return pid === process.pid ? threadId + 1 : this.#nextAgent++;
  }

  /** Every primitive of this thread releases what `agent` held. */
  agentGone(agent: number): void {
    for (const state of this.#served.values()) state.agentGone?.(agent);
  }
}

/** One caller's connection, as the broker sees it. */
class CallerLink {
  readonly #socket: Socket;
  readonly #broker: Broker;
  readonly #abort = new AbortController();
  /** Undo actions of answers not yet acknowledged, by call number. */
  readonly #unacked = new Map<number, () => void>();
  /** Shutdown notices not yet seen, by notice number. */
  readonly #unseen = new Map<number, () => void>();
  #agent = 0;

  constructor(socket: Socket, broker: Broker) {
    this.#socket = socket;
    this.#broker = broker;
  }

  receive(message: ToBroker): void {
    switch (message.t) {
      case 'hello':
        this.#agent = this.#broker.agentFor(message.pid, message.threadId);
        this.#send({ t: 'welcome', agent: this.#agent, closed: this.#broker.closed });
        return;
      case 'call':
        void this.#call(message);
        return;
      case 'tell':
        this.#tell(message);
        return;
      case 'ack':
        this.#unacked.delete(message.n);
        return;
      case 'closedSeen':
        this.#unseen.get(message.n)?.();
        return;
      default:
        throw new Error(`multipool broker: unknown message ${JSON.stringify(message)}`);
    }
  }

  async #call(message: Extract<ToBroker, { t: 'call' }>): Promise<void> {
    const lost: { undo: (() => void) | null } = { undo: null };
    const ctx: CallContext = { agent: this.#agent, signal: this.#abort.signal, onLost: (fn) => (lost.undo = fn), notify: this.#notifier(message.id) };
    try {
      const state = this.#broker.lookup(message.id);
      if (!state) throw new InvalidStateError(SHUT_DOWN);
      const value = await state.serve(message.method, message.args, ctx);
      const { undo } = lost;
      if (this.#abort.signal.aborted) {
        undo?.();
        return;
      }
      if (undo) this.#unacked.set(message.n, undo);
      this.#send({ t: 'ok', n: message.n, value, ...(undo ? { ack: true as const } : {}) });
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#send({ t: 'err', n: message.n, error: flattenFailure(error) });
    }
  }

  /**
   * A call whose caller does not wait for an answer. Only effects that cannot fail at the owner are sent
   * this way (a dict's set, a put on an unbounded queue), so an error here can only come from a primitive
   * shut down after the caller sent it: the effect is dropped, as it would be a moment later.
   */
  #tell(message: Extract<ToBroker, { t: 'tell' }>): void {
    const state = this.#broker.lookup(message.id);
    if (!state) return;
    const ctx: CallContext = { agent: this.#agent, signal: this.#abort.signal, notify: this.#notifier(message.id) };
    try {
      const result = state.serve(message.method, message.args, ctx);
      if (result instanceof Promise) result.catch(() => {});
    } catch {
      // Shut down in between (see above).
    }
  }

  #notifier(id: number): () => void {
    return () => this.#send({ t: 'notice', id });
  }

  /** Shutdown notice `n` for `ids`; resolves when the caller has seen it, is gone, or is too busy to read. */
  announce(n: number, ids: readonly number[]): Promise<void> {
    if (this.#abort.signal.aborted) return Promise.resolve();
    // Waiting for the answer keeps the owner alive (its socket is unref'd otherwise), as a call does a caller.
    this.#socket.ref();
    return new Promise((resolve) => {
      const seen = (): void => {
        clearTimeout(timer);
        this.#unseen.delete(n);
        if (this.#unseen.size === 0) this.#socket.unref();
        resolve();
      };
      const timer = setTimeout(seen, ANNOUNCE_WAIT_MS);
      this.#unseen.set(n, seen);
      this.#send({ t: 'closed', n, ids });
    });
  }

  #send(message: FromBroker): void {
    if (!this.#socket.destroyed) this.#socket.write(frame(message));
  }

  /** The caller is gone: its waits stop, unacknowledged answers are undone, what it held is released. */
  gone(): void {
    this.#abort.abort();
    for (const undo of this.#unacked.values()) undo();
    this.#unacked.clear();
    for (const seen of [...this.#unseen.values()]) seen();
    if (this.#agent !== 0) this.#broker.agentGone(this.#agent);
  }
}
