/**
 * Python's `IMapIterator`, made lazy: the input is pulled only while fewer
 * than a bounded number of items are ahead of the consumer, so an infinite
 * input works and memory stays flat. Leaving the loop stops the pulling and
 * drops whatever was not sent yet.
 */
import { TimeoutError } from '../errors.js';
import { validateTimeout } from '../internal/validate.js';
import type { Chunk } from '../runtime/backend.js';
import type { ChunkOutcome, Job, JobHost, TaskSource } from './job.js';

export interface IMapSpec {
  readonly fn: (...args: never[]) => unknown;
  readonly input: Iterable<unknown> | AsyncIterable<unknown>;
  readonly chunksize: number;
  readonly star: boolean;
  readonly ordered: boolean;
  /** Items that may be pulled from the input before the consumer has taken them. */
  readonly lookahead: number;
}

/** Chunks an async input collects before waking the task handler, while the job already has work running. */
const ASYNC_BURST = 16;

type Entry = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Function-valued fields, not methods: `next()` wraps them to clear its timer. */
interface Waiter {
  resolve: (result: IteratorResult<unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * The iterator `imap`/`imapUnordered` return: `for await` it, or call
 * `next(timeout)` to wait at most `timeout` seconds for the next result.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * await using pool = new Pool(2);
 * for await (const square of pool.imap((x: number) => x * x, [1, 2, 3])) console.log(square);
 * ```
 */
export class IMapIterator<R> implements AsyncIterableIterator<R>, Job, TaskSource {
  /** The job id, as used by the pool's events. */
  readonly id: number;
  readonly #host: JobHost;
  readonly #spec: IMapSpec;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;
  #async = false;
  #pulling = false;
  #inputDone = false;
  #inputError: { error: unknown; index: number } | null = null;
  #pulled = 0;
  #consumed = 0;
  #ready: Chunk[] = [];
  #unsettled = 0;
  /** Ordered mode: outcomes waiting for the ones before them, by input index. */
  readonly #pending = new Map<number, { outcome: ChunkOutcome; size: number }>();
  #nextIndex = 0;
  #output: Entry[] = [];
  #outputHead = 0;
  #waiters: Waiter[] = [];
  #finished = false;
  #closed = false;
  #delivering = false;

  /** @internal */
  constructor(host: JobHost, spec: IMapSpec) {
    this.id = host.nextJobId();
    this.#host = host;
    this.#spec = spec;
  }

  /** @internal Starts pulling; call after the job is in the cache. */
  start(): void {
    const { input } = this.#spec;
    try {
      if (Symbol.asyncIterator in input) {
        this.#async = true;
        this.#iterator = input[Symbol.asyncIterator]();
      } else {
        this.#iterator = input[Symbol.iterator]();
      }
    } catch (error) {
      this.#inputFailed(error);
      return;
    }
    this.#fill();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next result. With chunksize 1 a failed item rejects this call and
   * iteration can go on, as in Python.
   *
   * @param timeout - seconds to wait; rejects with `TimeoutError` after that, and the result stays queued.
   */
  next(timeout?: number | null): Promise<IteratorResult<R>> {
    validateTimeout(timeout);
    const entry = this.#take();
    if (entry) {
      if (entry.ok) return Promise.resolve({ done: false, value: entry.value as R });
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a task may throw any value; like Python, imap re-raises it unchanged
      return Promise.reject(entry.error);
    }
    if (this.#isDrained()) return Promise.resolve({ done: true, value: undefined });
    return new Promise<IteratorResult<R>>((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as Waiter['resolve'], reject };
      this.#waiters.push(waiter);
      if (timeout === null || timeout === undefined) return;
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at === -1) return;
        this.#waiters.splice(at, 1);
        reject(new TimeoutError(`No result within ${timeout} s; the iterator is still usable`));
      }, timeout * 1000);
      const settle = waiter.resolve;
      const fail = waiter.reject;
      waiter.resolve = (result) => {
        clearTimeout(timer);
        settle(result);
      };
      waiter.reject = (error) => {
        clearTimeout(timer);
        fail(error);
      };
    });
  }

  /** Stops early (what `break` calls): no more input is read and pending results are dropped. */
  return(value?: unknown): Promise<IteratorResult<R>> {
    this.#close();
    return Promise.resolve({ done: true, value: value as R });
  }

  /** @internal */
  get exhausted(): boolean {
    return this.#closed || (this.#inputDone && this.#ready.length === 0);
  }

  /** @internal */
  poll(): Chunk | undefined {
    const chunk = this.#ready.shift();
    if (chunk) this.#unsettled += 1;
    return chunk;
  }

  /** @internal */
  settle(index: number, outcome: ChunkOutcome): void {
    if (this.#closed) return;
    this.#unsettled -= 1;
    const size = outcome.ok === true ? outcome.values.length : outcome.ok === 'each' ? outcome.items.length : this.#chunkSizeAt(index);
    if (this.#spec.ordered) {
      this.#pending.set(index, { outcome, size });
      for (let next = this.#pending.get(this.#nextIndex); next; next = this.#pending.get(this.#nextIndex)) {
        this.#pending.delete(this.#nextIndex);
        this.#nextIndex += next.size;
        this.#emit(next.outcome);
      }
    } else {
      this.#emit(outcome);
    }
    this.#checkDone();
    this.#deliver();
  }

  /** @internal */
  abort(error: unknown): void {
    if (this.#closed) return;
    this.#output.push({ ok: false, error });
    this.#stopInput();
    this.#closed = true;
    this.#finished = true;
    this.#deliver();
  }

  #chunkSizeAt(index: number): number {
    const end = this.#inputError && this.#inputError.index > index ? this.#inputError.index : this.#pulled;
    return Math.min(this.#spec.chunksize, end - index);
  }

  #emit(outcome: ChunkOutcome): void {
    if (outcome.ok === true) {
      for (const value of outcome.values) this.#output.push({ ok: true, value });
    } else if (outcome.ok === 'each') {
      for (const item of outcome.items) this.#output.push(item);
    } else {
      this.#output.push({ ok: false, error: outcome.error });
      // Python ends a chunked imap at a failed chunk; with chunksize 1 iteration goes on.
      if (this.#spec.chunksize > 1) this.#endAfterOutput();
    }
  }

  #endAfterOutput(): void {
    this.#stopInput();
    this.#closed = true;
    this.#finished = true;
    this.#host.finished(this);
  }

  #take(): Entry | undefined {
    if (this.#outputHead >= this.#output.length) return undefined;
    const entry = this.#output[this.#outputHead] as Entry;
    this.#output[this.#outputHead++] = undefined as unknown as Entry;
    if (this.#outputHead > 1024 && this.#outputHead * 2 > this.#output.length) {
      this.#output = this.#output.slice(this.#outputHead);
      this.#outputHead = 0;
    }
    this.#consumed += 1;
    this.#fill();
    return entry;
  }

  #deliver(): void {
    // Taking an entry pulls more input, which may deliver again: one loop at a time.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#waiters.length > 0) {
        const entry = this.#take();
        if (entry) {
          const waiter = this.#waiters.shift() as Waiter;
          if (entry.ok) waiter.resolve({ done: false, value: entry.value });
          else waiter.reject(entry.error);
        } else if (this.#isDrained()) {
          for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
        } else {
          return;
        }
      }
    } finally {
      this.#delivering = false;
    }
  }

  #isDrained(): boolean {
    return this.#outputHead >= this.#output.length && this.#finished;
  }

  /** Every chunk settled and the input is over: the job leaves the cache; the input error, if any, comes last. */
  #checkDone(): void {
    if (this.#finished || !this.#inputDone || this.#ready.length > 0 || this.#unsettled > 0 || this.#pending.size > 0) return;
    if (this.#inputError) this.#output.push({ ok: false, error: this.#inputError.error });
    this.#finished = true;
    this.#host.finished(this);
  }

  /** Pulls chunks while the consumer is less than `lookahead` items behind. */
  #fill(): void {
    if (this.#pulling || this.#inputDone || this.#closed) return;
    if (this.#async) {
      if (this.#pulled - this.#consumed <= this.#spec.lookahead / 2) void this.#fillAsync();
      return;
    }
    // Refill only once half the window is consumed, so chunks become ready in bursts
    // and travel to the workers many to a message instead of one by one.
    if (this.#pulled - this.#consumed > this.#spec.lookahead / 2) return;
    const iterator = this.#iterator as Iterator<unknown>;
    let added = false;
    while (!this.#inputDone && this.#pulled - this.#consumed < this.#spec.lookahead) {
      const items: unknown[] = [];
      try {
        while (items.length < this.#spec.chunksize) {
          const step = iterator.next();
          if (step.done) {
            this.#inputDone = true;
            break;
          }
          items.push(step.value);
        }
      } catch (error) {
        this.#pushChunk(items);
        this.#inputFailed(error);
        return;
      }
      added = this.#pushChunk(items) || added;
    }
    if (added) this.#host.wake();
    this.#checkDone();
    this.#deliver();
  }

  async #fillAsync(): Promise<void> {
    this.#pulling = true;
    const iterator = this.#iterator as AsyncIterator<unknown>;
    try {
      while (this.#wantsAsyncInput()) {
        const items: unknown[] = [];
        try {
          while (items.length < this.#spec.chunksize) {
            const step = await iterator.next();
            if (step.done) {
              this.#inputDone = true;
              break;
            }
            items.push(step.value);
          }
        } catch (error) {
          if (this.#closed) return;
          this.#pushChunk(items);
          this.#inputFailed(error);
          return;
        }
        if (this.#closed) return;
        // Wake the task handler at once when this job has nothing running, else in bursts.
        if (this.#pushChunk(items) && (this.#unsettled === 0 || this.#ready.length >= ASYNC_BURST)) this.#host.wake();
      }
      this.#host.wake();
    } finally {
      this.#pulling = false;
    }
    this.#checkDone();
    this.#deliver();
  }

  /**
   * Whether `#fillAsync` should pull another chunk. A method rather than an inline
   * condition: the consumer may close the iterator while a pull is awaited, so
   * `#closed` is read afresh after each await, not taken as narrowed by the loop.
   */
  #wantsAsyncInput(): boolean {
    return !this.#inputDone && !this.#closed && this.#pulled - this.#consumed < this.#spec.lookahead;
  }

  #pushChunk(items: unknown[]): boolean {
    if (items.length === 0) return false;
    this.#ready.push({ job: this.id, index: this.#pulled, fn: this.#spec.fn, items, star: this.#spec.star, each: false });
    this.#pulled += items.length;
    return true;
  }

  #inputFailed(error: unknown): void {
    this.#inputDone = true;
    this.#inputError = { error, index: this.#pulled };
    this.#host.wake();
    this.#checkDone();
    this.#deliver();
  }

  #stopInput(): void {
    this.#ready = [];
    if (!this.#inputDone) {
      this.#inputDone = true;
      try {
        const done = this.#iterator?.return?.();
        if (done && typeof (done as Promise<unknown>).catch === 'function') (done as Promise<unknown>).catch(() => {});
      } catch {
        // The input's own cleanup failed; the consumer already left, so there is no one to tell.
      }
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#stopInput();
    this.#closed = true;
    this.#finished = true;
    this.#output = [];
    this.#outputHead = 0;
    this.#host.finished(this);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
  }
}
