/**
 * Python's `worker()`: run the initializer once, then take chunks in order,
 * run them, and put the outcomes back. Outcomes of chunks that arrived in one
 * batch go back in one message, flushed at least every few milliseconds so a
 * streaming consumer is never starved.
 */
import { performance } from 'node:perf_hooks';
import { packOutcomes, unpackChunks } from './codec.js';
import { explainMissingVariable, loadFn } from './function-load.js';
import { assertNever } from './protocol.js';
import type { FnDef, FromWorker, ItemOutcome, ToWorker, WireChunk, WireOutcome, WireThrown, WorkerInit } from './protocol.js';
import { cloneFailure, encodingFailure, flattenThrown } from './transport.js';

/** The worker's end of its channel to the engine. `send` throws when a value cannot be cloned. */
export interface WorkerChannel {
  send(message: FromWorker): void;
  onMessage(listener: (message: ToWorker) => void): void;
}

type TaskFn = (...args: unknown[]) => unknown;

const FLUSH_AFTER_MS = 2;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

export class WorkerLoop {
  readonly #channel: WorkerChannel;
  readonly #defs = new Map<number, FnDef>();
  readonly #fns = new Map<number, TaskFn>();
  #queue: WireChunk[] = [];
  #head = 0;
  #outbox: WireOutcome[] = [];
  #lastFlush = 0;
  #draining = false;
  #ready: Promise<boolean>;
  #initialized = false;

  constructor(channel: WorkerChannel, init: WorkerInit) {
    this.#channel = channel;
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

  /** Drops every chunk not yet started (the in-process backend's terminate). */
  stop(): void {
    this.#queue = [];
    this.#head = 0;
  }

  #receive(message: ToWorker): void {
    switch (message.t) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- 'batch' is the only tag today, but the message came from another thread or process and may be anything
      case 'batch':
        for (const def of message.fns) this.#defs.set(def.id, def);
        for (const chunk of unpackChunks(message.chunks)) this.#queue.push(chunk);
        if (!this.#draining) void this.#drain();
        return;
      default:
        assertNever(message.t, 'worker');
    }
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
      const pending = this.#run(chunk);
      this.#outbox.push(isThenable(pending) ? await pending : pending);
      const now = performance.now();
      if (this.#head === this.#queue.length || now - this.#lastFlush >= FLUSH_AFTER_MS) {
        this.#flush();
        this.#lastFlush = now;
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#draining = false;
  }

  #run(chunk: WireChunk): WireOutcome | Promise<WireOutcome> {
    const start = performance.now();
    const fn = this.#fns.get(chunk.fn);
    if (fn) return this.#call(fn, chunk, start);
    return this.#loadThenCall(chunk, start);
  }

  async #loadThenCall(chunk: WireChunk, start: number): Promise<WireOutcome> {
    const def = this.#defs.get(chunk.fn);
    try {
      if (!def) throw new Error(`multipool worker: no definition for function ${chunk.fn}`);
      const fn = await loadFn(def);
      this.#fns.set(chunk.fn, fn);
      return await this.#call(fn, chunk, start);
    } catch (error) {
      return this.#failed(chunk, start, this.#flatten(chunk, error));
    }
  }

  /** Runs every item; synchronous functions never wait for a microtask. */
  #call(fn: TaskFn, chunk: WireChunk, start: number): WireOutcome | Promise<WireOutcome> {
    const { items, star } = chunk;
    const values = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      let value: unknown;
      try {
        value = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (error) {
        if (!chunk.each) return this.#failed(chunk, start, this.#flatten(chunk, error));
        values[i] = { ok: false, ...this.#flatten(chunk, error) } satisfies ItemOutcome;
        continue;
      }
      if (isThenable(value)) return this.#callAsync(fn, chunk, start, values, i, value);
      values[i] = chunk.each ? ({ ok: true, value } satisfies ItemOutcome) : value;
    }
    return this.#succeeded(chunk, start, values);
  }

  async #callAsync(
    fn: TaskFn,
    chunk: WireChunk,
    start: number,
    values: unknown[],
    from: number,
    first: PromiseLike<unknown>,
  ): Promise<WireOutcome> {
    const { items, star } = chunk;
    for (let i = from; i < items.length; i++) {
      try {
        const value = await (i === from ? first : star ? fn(...(items[i] as unknown[])) : fn(items[i]));
        values[i] = chunk.each ? ({ ok: true, value } satisfies ItemOutcome) : value;
      } catch (error) {
        if (!chunk.each) return this.#failed(chunk, start, this.#flatten(chunk, error));
        values[i] = { ok: false, ...this.#flatten(chunk, error) } satisfies ItemOutcome;
      }
    }
    return this.#succeeded(chunk, start, values);
  }

  #succeeded(chunk: WireChunk, start: number, values: unknown[]): WireOutcome {
    const ms = performance.now() - start;
    if (chunk.each) return { job: chunk.job, index: chunk.index, ms, ok: 'each', outcomes: values as ItemOutcome[] };
    return { job: chunk.job, index: chunk.index, ms, ok: true, values };
  }

  #failed(chunk: WireChunk, start: number, thrown: WireThrown): WireOutcome {
    return { job: chunk.job, index: chunk.index, ms: performance.now() - start, ok: false, ...thrown };
  }

  #flatten(chunk: WireChunk, error: unknown): WireThrown {
    const def = this.#defs.get(chunk.fn);
    return flattenThrown(error, def ? (e) => explainMissingVariable(def, e) : undefined);
  }

  #flush(): void {
    if (this.#outbox.length === 0) return;
    const results = this.#outbox;
    this.#outbox = [];
    try {
      this.#channel.send({ t: 'results', results: packOutcomes(results) });
    } catch {
      // Some result would not clone: replace each refused value, keep the rest.
      this.#channel.send({ t: 'results', results: packOutcomes(results.map(encodable)) });
    }
  }
}

function encodable(outcome: WireOutcome): WireOutcome {
  if (outcome.ok === false) return outcome; // flattenThrown only keeps what clones
  if (outcome.ok === true) {
    for (const value of outcome.values) {
      const failure = cloneFailure(value);
      if (failure !== null) {
        const { values: _dropped, ...rest } = outcome;
        return { ...rest, ok: false, ...encodingFailure(value, failure) };
      }
    }
    return outcome;
  }
  return {
    ...outcome,
    outcomes: outcome.outcomes.map((item) => {
      const failure = cloneFailure(item);
      if (failure === null) return item;
      return { ok: false, ...encodingFailure(item.ok ? item.value : item, failure) } satisfies ItemOutcome;
    }),
  };
}
