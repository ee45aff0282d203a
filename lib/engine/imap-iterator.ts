/**
 * Python's `IMapIterator`, made lazy: a `ChunkFeeder` pulls the input only a
 * bounded distance ahead of the consumer, so an infinite input works and
 * memory stays flat. Leaving the loop stops the pulling and drops whatever was
 * not sent yet. The same iterator serves `Executor.map` (items settled one by
 * one) and `multiYield` (items streamed back while a seed's generator runs).
 */
import { TimeoutError } from '../errors.js';
import { validateTimeout } from '../internal/validate.js';
import type { Chunk } from '../runtime/backend.js';
import type { ProgressSink } from '../internal/progress.js';
import { ChunkFeeder } from './chunk-feeder.js';
import { EMPTY, ERROR, OutputQueue, VALUE } from './output-queue.js';
import type { Taken } from './output-queue.js';
import type { ChunkOutcome, Job, LazyJobHost, TaskSource } from './job.js';

export interface IMapSpec {
  readonly fn: (...args: never[]) => unknown;
  readonly input: Iterable<unknown> | AsyncIterable<unknown>;
  readonly chunksize: number | 'auto';
  readonly star: boolean;
  readonly ordered: boolean;
  /** Settle items one by one (a failing item fails alone), as `Executor.map`. */
  readonly perItem: boolean;
  /** End the iteration after the first failed item, cancelling the rest (Python's `Executor.map`). */
  readonly stopOnError?: boolean | undefined;
  readonly workers: number;
  /** Items that may be read ahead of the consumer; by default it follows the chunk size. */
  readonly lookahead?: number | undefined;
  /** Stream a generator's items back, at most this many unacknowledged per seed (`multiYield`). */
  readonly stream?: number | undefined;
  readonly progress?: ProgressSink | null | undefined;
}

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
  readonly #host: LazyJobHost;
  readonly #spec: IMapSpec;
  readonly #feeder: ChunkFeeder;
  #inputError: { error: unknown; index: number } | null = null;
  /** Sizes of the chunks sent and not settled, by input index. */
  readonly #sizes = new Map<number, number>();
  /** Ordered mode: outcomes waiting for the ones before them, by input index. */
  readonly #pending = new Map<number, { outcome: ChunkOutcome; size: number }>();
  #nextIndex = 0;
  readonly #output = new OutputQueue();
  #waiters: Waiter[] = [];
  #finished = false;
  #closed = false;
  #delivering = false;

  /** @internal */
  constructor(host: LazyJobHost, spec: IMapSpec) {
    this.id = host.nextJobId();
    this.#host = host;
    this.#spec = spec;
    this.#feeder = new ChunkFeeder(spec, {
      ready: () => host.wake(),
      failed: (error, index) => {
        this.#inputError = { error, index };
      },
      ended: (pulled) => {
        spec.progress?.total(pulled);
        this.#checkDone();
        this.#deliver();
      },
    });
  }

  /** @internal Starts pulling; call after the job is in the cache. */
  start(): void {
    this.#feeder.start();
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
    const taken = this.#take();
    if (taken === VALUE) return Promise.resolve({ done: false, value: this.#output.taken as R });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a task may throw any value; like Python, imap re-raises it unchanged
    if (taken === ERROR) return Promise.reject(this.#output.taken);
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
      waiter.resolve = (result) => {
        clearTimeout(timer);
        resolve(result as IteratorResult<R>);
      };
      waiter.reject = (error) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a task may throw any value; it is re-raised unchanged
        reject(error);
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
    return this.#closed || (this.#feeder.inputDone && this.#feeder.readyCount === 0);
  }

  /** @internal */
  poll(): Chunk | undefined {
    if (this.#closed) return undefined;
    const pulled = this.#feeder.take();
    if (!pulled) return undefined;
    this.#sizes.set(pulled.index, pulled.items.length);
    const { fn, star, perItem, stream } = this.#spec;
    return { job: this.id, index: pulled.index, fn, items: pulled.items, star, perItem, ...(stream ? { stream } : {}) };
  }

  /** @internal Items a seed's generator produced while still running. */
  stream(index: number, values: unknown[]): void {
    if (this.#closed) return;
    for (const value of values) this.#output.pushStreamed(value, index);
    this.#streamed.set(index, (this.#streamed.get(index) ?? 0) + values.length);
    this.#deliver();
  }

  /** Items each streaming chunk has sent so far, by input index. */
  readonly #streamed = new Map<number, number>();

  /** @internal */
  settle(index: number, outcome: ChunkOutcome, ms = 0): void {
    if (this.#closed) return;
    const size = this.#sizes.get(index) ?? 0;
    this.#sizes.delete(index);
    this.#spec.progress?.advance(size);
    if (this.#spec.stream) {
      // A seed that yielded fewer items than it took (a filtering or empty generator) still frees its
      // place in the look-ahead, or the source would never be read again.
      const produced = (this.#streamed.get(index) ?? 0) + (outcome.kind === 'values' ? outcome.values.length : 1);
      this.#streamed.delete(index);
      if (produced < size) this.#feeder.consumed(size - produced);
    }
    if (outcome.kind !== 'error') this.#feeder.observe(size, ms);
    if (this.#spec.ordered) {
      this.#pending.set(index, { outcome, size });
      for (let next = this.#pending.get(this.#nextIndex); next; next = this.#pending.get(this.#nextIndex)) {
        this.#pending.delete(this.#nextIndex);
        this.#nextIndex += next.size;
        // A failure that ends the iteration: later chunks that finished first must not follow it.
        if (this.#emit(next.outcome)) break;
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
    this.#output.pushError(error);
    this.#feeder.stop();
    this.#spec.progress?.stop();
    this.#closed = true;
    this.#finished = true;
    this.#deliver();
  }

  /** Queues an outcome's results for the consumer; true when a failure in it ends the iteration. */
  #emit(outcome: ChunkOutcome): boolean {
    if (outcome.kind === 'values') {
      for (const value of outcome.values) this.#output.push(value);
    } else if (outcome.kind === 'items') {
      const { values, errors } = outcome;
      for (let i = 0; i < values.length; i++) {
        if (errors.size === 0 || !errors.has(i)) {
          this.#output.push(values[i]);
          continue;
        }
        this.#output.pushError(errors.get(i));
        if (this.#spec.stopOnError) {
          this.#endAfterOutput();
          return true;
        }
      }
    } else {
      this.#output.pushError(outcome.error);
      // Python ends a chunked imap at a failed chunk; with chunksize 1 iteration goes on.
      if (this.#spec.chunksize !== 1 || this.#spec.stopOnError) {
        this.#endAfterOutput();
        return true;
      }
    }
    return false;
  }

  #endAfterOutput(): void {
    this.#feeder.stop();
    this.#closed = true;
    this.#finished = true;
    this.#spec.progress?.stop();
    this.#host.release(this);
  }

  /** Takes the next entry into `#output.taken`; acknowledges a streamed item and lets the input refill. */
  #take(): Taken {
    const taken = this.#output.take();
    if (taken === EMPTY) return taken;
    const chunk = this.#output.takenChunk;
    if (chunk !== undefined && !this.#closed) this.#host.credit(this.id, chunk, 1);
    this.#feeder.consumed(1);
    return taken;
  }

  #deliver(): void {
    // Taking an entry pulls more input, which may deliver again: one loop at a time.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#waiters.length > 0) {
        const taken = this.#take();
        if (taken !== EMPTY) {
          const waiter = this.#waiters.shift() as Waiter;
          if (taken === VALUE) waiter.resolve({ done: false, value: this.#output.taken });
          else waiter.reject(this.#output.taken);
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
    return this.#output.empty && this.#finished;
  }

  /** Every chunk settled and the input is over: the job leaves the cache; the input error, if any, comes last. */
  #checkDone(): void {
    if (this.#finished || !this.#feeder.inputDone || this.#feeder.readyCount > 0 || this.#sizes.size > 0 || this.#pending.size > 0) return;
    if (this.#inputError) this.#output.pushError(this.#inputError.error);
    this.#finished = true;
    this.#spec.progress?.stop();
    this.#host.release(this);
  }

  #close(): void {
    if (this.#closed) return;
    this.#feeder.stop();
    this.#closed = true;
    this.#finished = true;
    this.#output.clear();
    this.#spec.progress?.stop();
    this.#host.release(this);
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
  }
}
