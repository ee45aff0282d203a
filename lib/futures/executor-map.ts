/**
 * `Executor.map`: the lazy ordered iterator of `imap`, with items settled one
 * by one inside each chunk (a failing item fails alone), chunks sized
 * automatically from measured item times, and a deadline counted from the
 * `map()` call.
 */
import { defaultChunksize } from '../engine/chunk-feeder.js';
import { IMapIterator } from '../engine/imap-iterator.js';
import type { LazyJobHost } from '../engine/job.js';
import { TimeoutError } from '../errors.js';
import type { ProgressOption } from '../internal/progress.js';
import { progressSink, validateProgress } from '../internal/progress.js';
import type { AnyIterable } from '../internal/validate.js';
import { isAsyncIterable, isSyncIterable, validateInteger, validateIterable, validateKeys, validateTimeout } from '../internal/validate.js';

/** Options of `Executor.map` (the last argument, a plain object). */
export interface ExecutorMapOptions {
  /** Seconds, counted from the `map()` call, until the whole map must be done. */
  timeout?: number | null | undefined;
  /** Items per task; by default chunks grow until each holds about a millisecond of work. */
  chunksize?: number | undefined;
  /** At most this many items are read ahead of what has been yielded. */
  buffersize?: number | undefined;
  /** `true` (or `{ label }`) for a progress bar on stderr when it is a terminal, or a callback `(done, total)`. */
  progress?: ProgressOption | undefined;
}

const MAP_OPTION_KEYS = ['timeout', 'chunksize', 'buffersize', 'progress'] as const satisfies readonly (keyof ExecutorMapOptions)[];

/** Zips sync or async iterables into argument tuples; the shortest ends it. */
function zipIterables(iterables: readonly AnyIterable<unknown>[]): AnyIterable<unknown[]> {
  iterables.forEach((iterable, i) => {
    validateIterable(iterable, `iterables[${i}]`);
  });
  if (iterables.length === 0) throw new TypeError('map() needs at least one iterable');
  if (iterables.every(isSyncIterable)) {
    return (function* zipSync() {
      const iterators = iterables.map((it) => (it)[Symbol.iterator]());
      try {
        for (;;) {
          const row: unknown[] = [];
          for (const iterator of iterators) {
            const step = iterator.next();
            if (step.done) return;
            row.push(step.value);
          }
          yield row;
        }
      } finally {
        for (const iterator of iterators) iterator.return?.();
      }
    })();
  }
  return (async function* zipAsync() {
    const iterators = iterables.map((it) => (isAsyncIterable(it) ? it[Symbol.asyncIterator]() : it[Symbol.iterator]()));
    try {
      for (;;) {
        const row: unknown[] = [];
        for (const iterator of iterators) {
          const step = await iterator.next();
          if (step.done) return;
          row.push(step.value);
        }
        yield row;
      }
    } finally {
      for (const iterator of iterators) await iterator.return?.();
    }
  })();
}

/** The zipped length when every input is an array (or typed array), else null. */
function knownLength(iterables: readonly AnyIterable<unknown>[]): number | null {
  let length = Infinity;
  for (const iterable of iterables) {
    if (!Array.isArray(iterable) && !ArrayBuffer.isView(iterable)) return null;
    length = Math.min(length, (iterable as ArrayLike<unknown>).length);
  }
  return Number.isFinite(length) ? length : null;
}

export class ExecutorMapIterator<R> implements AsyncIterableIterator<R> {
  readonly #inner: IMapIterator<R>;
  readonly #deadline: number | null;
  readonly #timeout: number | null;

  constructor(host: LazyJobHost, fn: (...args: never[]) => unknown, iterables: AnyIterable<unknown>[], options: ExecutorMapOptions, workers: number) {
    validateKeys(options, 'map() options', MAP_OPTION_KEYS);
    validateTimeout(options.timeout);
    if (options.chunksize !== undefined) validateInteger(options.chunksize, 'chunksize', 1);
    if (options.buffersize !== undefined) validateInteger(options.buffersize, 'buffersize', 1);
    validateProgress(options.progress);
    const progress = progressSink(options.progress, (error) => host.reportCallbackError(error));
    this.#timeout = options.timeout ?? null;
    this.#deadline = this.#timeout === null ? null : Date.now() + this.#timeout * 1000;
    // Arrays have a known length: cut them as Pool.map does (Python's own default is one item per
    // task, which costs seconds for 100k tiny items). Other inputs get chunks sized from measured times.
    const known = options.chunksize === undefined && options.buffersize === undefined ? knownLength(iterables) : null;
    this.#inner = new IMapIterator<R>(host, {
      fn,
      // One iterable needs no zipping: its items are the single argument.
      input: iterables.length === 1 ? (iterables[0] as AnyIterable<unknown>) : zipIterables(iterables),
      chunksize: options.chunksize ?? (known === null ? 'auto' : defaultChunksize(known, workers)),
      star: iterables.length !== 1,
      ordered: true,
      perItem: true,
      stopOnError: true,
      workers,
      lookahead: options.buffersize ?? (known === null ? undefined : Math.max(known, 1)),
      progress,
    });
    if (known !== null) progress?.total(known);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The inner iterator stops at the first failed item by itself; only the deadline is handled here. */
  next(): Promise<IteratorResult<R>> {
    if (this.#deadline === null) return this.#inner.next();
    const left = Math.max(0, (this.#deadline - Date.now()) / 1000);
    return this.#inner.next(left).catch(async (error: unknown) => {
      if (!(error instanceof TimeoutError)) throw error;
      await this.#inner.return();
      throw new TimeoutError(`map() did not finish within ${this.#timeout} s; the remaining items were cancelled`);
    });
  }

  async return(value?: unknown): Promise<IteratorResult<R>> {
    await this.#inner.return();
    return { done: true, value: value as R };
  }
}
