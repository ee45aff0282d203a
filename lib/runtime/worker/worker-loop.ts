/**
 * Python's `worker()`: run the initializer once, then take chunks in order,
 * run them, and put the outcomes back. Outcomes of chunks that arrived in one
 * batch go back in one message, flushed at least every few milliseconds so a
 * streaming consumer is never starved.
 */
import { performance } from 'node:perf_hooks';

import { isThenable } from '../../internal/validate.js';
import { claimToStart } from '../claims.js';
import type { Outgoing } from '../codec.js';
import { encodable, itemsMessage, resultsMessage } from '../codec.js';
import type { Movable } from '../move.js';
import { releaseMoves } from '../move.js';
import type { Crossing, FnDef, FromWorker, ToWorker, WireChunk, WireOutcome, WireThrown, WorkerInit } from '../protocol.js';
import { assertNever, isTuple } from '../protocol.js';
import { cloneFailure, encodingFailure, flattenThrown } from '../transport.js';
import type { CallContext, TaskFn } from './chunk-call.js';
import { callChunk } from './chunk-call.js';
import { explainCapture, loadFn } from './function-load.js';
import { failed, succeeded } from './outcomes.js';
import { endProcess } from './process-end.js';
import { Revival } from './revival.js';
import { StreamCredits } from './stream-credits.js';

/** The worker's end of its channel to the engine. `send` throws when a value cannot be cloned. */
export interface WorkerChannel {
  /** How values cross this channel (see `Crossing`). */
  readonly crossing: Crossing;
  /** Posts `message`; a MessagePort transfers `moved` (the values marked by `move()` inside it). */
  send(message: FromWorker, moved?: readonly Movable[] | null): void;
  onMessage(listener: (message: ToWorker) => void): void;
  /** The claim words of the chunks that carry one (a thread's channel; see claims.ts). */
  readonly claims?: Int32Array;
}

const FLUSH_AFTER_MS = 2;

export class WorkerLoop {
  readonly #channel: WorkerChannel;
  readonly #defs = new Map<number, FnDef>();
  readonly #fns = new Map<number, TaskFn>();
  #queue: WireChunk[] = [];
  #head = 0;
  #outbox: WireOutcome[] = [];
  #lastFlush = 0;
  #draining = false;
  #stopped = false;
  /** Streaming chunks' credits: items each may still send unacknowledged. */
  readonly #credits = new StreamCredits();
  #ready: Promise<boolean>;
  #initialized = false;
  /** A `Process`'s worker: it runs the one chunk it is sent and ends (see `WorkerInit.oneShot`). */
  readonly #oneShot: boolean;
  /** Takes batches in order, holding those that carry shared primitives until they are revived. */
  readonly #revival = new Revival((batch) => this.#take(batch));
  /** What running a chunk's items needs from the loop (see chunk-call.ts). */
  readonly #calls: CallContext = {
    flatten: (chunk, error) => this.#flatten(chunk, error),
    stream: (chunk, start, iterator) => this.#stream(chunk, start, iterator),
  };

  constructor(channel: WorkerChannel, init: WorkerInit) {
    this.#channel = channel;
    this.#oneShot = init.oneShot === true;
    this.#ready = this.#initialize(init);
    channel.onMessage((message) => this.#receive(message));
  }

  async #initialize(init: WorkerInit): Promise<boolean> {
    if (!init.initializer) return true;
    try {
      const initializer = await loadFn(init.initializer);
      await initializer(...init.initargs);
      return true;
    } catch (error) {
      this.#channel.send({ t: 'init-error', error: flattenThrown(error) });
      return false;
    }
  }

  /** Drops every chunk not yet started and ends streaming ones (the in-process backend's terminate). */
  stop(): void {
    this.#queue = [];
    this.#head = 0;
    this.#stopped = true;
    this.#credits.wakeAll();
  }

  #receive(message: ToWorker): void {
    if (isTuple(message)) {
      this.#revival.receive(message);
      return;
    }
    switch (message.t) {
      case 'batch':
        this.#revival.receive(message);
        return;
      case 'credit': {
        const credit = this.#credits.of(message.job, message.index);
        credit.n += message.n;
        credit.wakeup.wake();
        return;
      }
      default:
        assertNever(message, 'worker');
    }
  }

  #take({ fns, chunks }: { fns: readonly FnDef[]; chunks: WireChunk[] }): void {
    for (const def of fns) this.#defs.set(def.id, def);
    for (const chunk of chunks) this.#queue.push(chunk);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    // The initializer's promise is awaited once; after that the hot path skips the microtask.
    if (!this.#initialized) {
      if (!(await this.#ready)) return; // initializer failed: the engine breaks the pool
      this.#initialized = true;
    }
    this.#lastFlush = performance.now();
    while (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head++] as WireChunk;
      if (this.#oneShot) return endProcess(await this.#run(chunk));
      // A chunk whose future was cancelled while it waited here is answered, unrun, so its claim word is freed.
      const pending = this.#mayStart(chunk) ? this.#run(chunk) : failed(chunk, performance.now(), { raw: null });
      if (isThenable(pending)) {
        // The worker is about to wait: what is done goes out first, or it would wait as long as this task.
        this.#flush();
        this.#outbox.push(await pending);
      } else {
        this.#outbox.push(pending);
      }
      const now = performance.now();
      if (this.#head === this.#queue.length || now - this.#lastFlush >= FLUSH_AFTER_MS) {
        this.#flush();
        this.#lastFlush = now;
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#draining = false;
    // In-process functions are sent with every batch; holding them here would keep every closure alive.
    for (const [id, def] of this.#defs) {
      if (def.kind === 'local') {
        this.#defs.delete(id);
        this.#fns.delete(id);
      }
    }
  }

  /** False when the chunk's claim word was lost: its future was cancelled while the chunk waited here. */
  #mayStart(chunk: WireChunk): boolean {
    const { claims } = this.#channel;
    return chunk.claim === undefined || claims === undefined || claimToStart(claims, chunk.claim);
  }

  #run(chunk: WireChunk): WireOutcome | Promise<WireOutcome> {
    const start = performance.now();
    const fn = this.#fns.get(chunk.fn);
    if (fn) return callChunk(this.#calls, fn, chunk, start);
    return this.#loadThenCall(chunk, start);
  }

  async #loadThenCall(chunk: WireChunk, start: number): Promise<WireOutcome> {
    const def = this.#defs.get(chunk.fn);
    try {
      if (!def) throw new Error(`multipool worker: no definition for function ${chunk.fn}`);
      const fn = await loadFn(def);
      this.#fns.set(chunk.fn, fn);
      return await callChunk(this.#calls, fn, chunk, start);
    } catch (error) {
      return failed(chunk, start, this.#flatten(chunk, error));
    }
  }

  /**
   * Sends a generator's items back as they come, flushed every few
   * milliseconds, and waits whenever `chunk.stream` items are unacknowledged:
   * a slow consumer makes the generator wait. Leftover items ride with the outcome.
   */
  async #stream(chunk: WireChunk, start: number, iterator: Iterator<unknown> | AsyncIterator<unknown>): Promise<WireOutcome> {
    const credit = this.#credits.of(chunk.job, chunk.index);
    credit.n += chunk.stream ?? 0;
    let buffer: unknown[] = [];
    let lastSend = performance.now();
    const send = (): void => {
      if (buffer.length > 0) {
        // Throws at a class instance: the catch below turns it into a MaybeEncodingError.
        this.#post(itemsMessage(chunk.job, chunk.index, buffer, this.#channel.crossing));
      }
      buffer = [];
      lastSend = performance.now();
    };
    try {
      for (;;) {
        if (credit.n === 0) {
          send();
          await credit.wakeup.wait();
        }
        if (this.#stopped) {
          await iterator.return?.();
          return succeeded(chunk, start, []);
        }
        const step = await iterator.next();
        if (step.done) break;
        buffer.push(step.value);
        credit.n -= 1;
        if (performance.now() - lastSend >= FLUSH_AFTER_MS) send();
      }
      return succeeded(chunk, start, buffer);
    } catch (error) {
      const to = this.#channel.crossing === 'v8' ? 'process' : 'thread';
      if (cloneFailure(buffer, to) !== null) return failed(chunk, start, encodingFailure(buffer.find((v) => cloneFailure(v, to) !== null), error));
      send(); // the items before the error still count
      return failed(chunk, start, this.#flatten(chunk, error));
    } finally {
      this.#credits.end(chunk.job, chunk.index);
    }
  }

  #flatten(chunk: WireChunk, error: unknown): WireThrown {
    const def = this.#defs.get(chunk.fn);
    return flattenThrown(error, def ? (e) => explainCapture(def, e) : undefined);
  }

  #flush(): void {
    if (this.#outbox.length === 0) return;
    const results = this.#outbox;
    this.#outbox = [];
    const { crossing } = this.#channel;
    try {
      this.#post(resultsMessage(results, crossing));
    } catch {
      // Some result would not clone: replace each refused value, keep the rest.
      this.#post(resultsMessage(results.map((outcome) => encodable(outcome, crossing)), crossing));
    }
  }

  /** Sends a message, then consumes the `move()` marks of what it carried (a failed send keeps them). */
  #post({ message, moved }: Outgoing<FromWorker>): void {
    this.#channel.send(message, moved);
    releaseMoves(moved);
  }
}
