/**
 * `Pool` and `ThreadPool`: Python's `multiprocessing.Pool` API over the
 * shared engine. The classes only validate and translate; the engine does
 * the work.
 */
import { availableParallelism } from 'node:os';

import { EventEmitter } from 'eventemitter3';

import { Engine } from '../engine/engine.js';
import type { PoolEvents } from '../engine/events.js';
import { emitterFor } from '../engine/events.js';
import { IMapIterator } from '../engine/imap-iterator.js';
import { POOL_MAX_WINDOW } from '../engine/window.js';
import { resolveWorkerOptions } from '../engine/worker-options.js';
import type { ProgressOption, ProgressSink } from '../internal/progress.js';
import { progressSink } from '../internal/progress.js';
import { assertNotImportingTaskModule } from '../internal/state.js';
import type { AnyIterable } from '../internal/validate.js';
import { validateIterable } from '../internal/validate.js';
import type { BackendKind } from '../runtime/backend.js';
import { createBackend } from '../runtime/index.js';
import { ApplyResult } from './apply-result.js';
import { MapResult } from './map-result.js';
import type { ApplyOptions, MapOptions, PoolOptions } from './options.js';
import { MAP_OPTION_KEYS, POOL_OPTION_KEYS, resolveApplyArgs, resolveMapOptions } from './options.js';

export type { PoolEvents } from '../engine/events.js';

/** Options of `imap`/`imapUnordered`. */
export interface IMapOptions {
  /** Items per task (default 1). */
  chunksize?: number | undefined;
  /** `true` for a progress bar on stderr (when it is a terminal), or a callback `(done, total)`. */
  progress?: ProgressOption | undefined;
}

const IMAP_OPTION_KEYS = ['chunksize', 'progress'] as const satisfies readonly (keyof IMapOptions)[];

/**
 * A pool of worker processes, as Python's `multiprocessing.Pool`. Tasks run in
 * child processes (values cross by v8 serialization), or in worker threads or
 * on this event loop with the `backend` option.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * await using pool = new Pool(4);
 * const squares = await pool.map((x: number) => x * x, [1, 2, 3]);
 * console.log(squares); // [1, 4, 9]
 * ```
 */
export class Pool extends EventEmitter<PoolEvents> {
  readonly #engine: Engine;
  readonly #processes: number;

  /**
   * @param options - the worker count, or `{ processes, initializer, initargs, maxTasksPerChild, backend }`.
   * @throws RangeError when `processes` or `maxTasksPerChild` is not a positive integer.
   * @throws TypeError when `initializer` is not a function, `initargs` cannot be cloned, or an option is unknown
   *   (checked before any worker starts).
   */
  constructor(options?: number | PoolOptions) {
    super();
    const defaultBackend = (new.target as { defaultBackend?: BackendKind }).defaultBackend ?? 'process';
    const resolved = resolveWorkerOptions(options, { name: new.target.name, keys: POOL_OPTION_KEYS, countName: 'processes', count: availableParallelism(), backend: defaultBackend });
    if (resolved.backend !== 'async') assertNotImportingTaskModule(new.target.name);
    const backend = createBackend(resolved.backend, resolved);
    if (resolved.initializer) backend.prepare(resolved.initializer, 'initializer');
    this.#processes = resolved.count;
    this.#engine = new Engine(
      backend,
      {
        ...resolved,
        processes: resolved.count,
        name: new.target.name,
        onWorkerLost: 'fail-tasks',
        notRunningMessage: 'Pool not running: it was closed or terminated; create a new pool for more work',
        maxWindow: POOL_MAX_WINDOW,
        spawn: 'eager',
      },
      emitterFor(this),
    );
  }

  /** The default backend of this class; `ThreadPool` overrides it. @internal */
  static readonly defaultBackend: BackendKind = 'process';

  /** Number of workers. */
  get processes(): number {
    return this.#processes;
  }

  /** Jobs submitted and not yet finished (the job cache's size). */
  get outstanding(): number {
    return this.#engine.outstanding;
  }

  /**
   * Calls `fn(...args)` in a worker and resolves with its result.
   *
   * @throws InvalidStateError (as a rejection) when the pool is not running.
   */
  apply<R>(fn: () => R, args?: [], options?: ApplyOptions<Awaited<R>>): Promise<Awaited<R>>;
  apply<A extends unknown[], R>(fn: (...args: A) => R, args: A, options?: ApplyOptions<Awaited<R>>): Promise<Awaited<R>>;
  async apply(fn: (...args: never[]) => unknown, args?: unknown[], options?: ApplyOptions<unknown>): Promise<unknown> {
    return this.applyAsync(fn, args as [], options).get();
  }

  /**
   * Calls `fn(...args)` in a worker; returns at once with an `ApplyResult`.
   *
   * @throws InvalidStateError when the pool is not running; TypeError for a bad `fn` or `args`.
   * @example
   * ```ts
   * import { Pool } from 'multipool';
   * await using pool = new Pool(2);
   * const result = pool.applyAsync((a: number, b: number) => a + b, [2, 3], {
   *   callback: (sum) => console.log('callback:', sum),
   * });
   * console.log(result.ready()); // false: it runs in the background
   * console.log(await result.get(10)); // 5 (waits 10 s at most)
   * ```
   */
  applyAsync<R>(fn: () => R, args?: [], options?: ApplyOptions<Awaited<R>>): ApplyResult<Awaited<R>>;
  applyAsync<A extends unknown[], R>(fn: (...args: A) => R, args: A, options?: ApplyOptions<Awaited<R>>): ApplyResult<Awaited<R>>;
  applyAsync(fn: (...args: never[]) => unknown, args?: unknown[], options?: ApplyOptions<unknown>): ApplyResult<unknown> {
    this.#engine.admit(fn);
    const resolved = resolveApplyArgs(args, options);
    return new ApplyResult<unknown>(this.#engine, fn, resolved.args, resolved.options);
  }

  /**
   * `fn` applied to every item, in input order, as Python's `Pool.map`.
   * The input is read in full first; an error while reading it rejects with that error.
   *
   * @param chunksize - items per task (default `ceil(n / (4 * processes))`), or the options object.
   * @throws InvalidStateError (as a rejection) when the pool is not running.
   * @throws RangeError (as a rejection) when an input that is not a collection goes on past 2^24 items (an
   *   endless generator): `imap`/`imapUnordered` read their input lazily.
   * @example
   * ```ts
   * import { Pool } from 'multipool';
   * await using pool = new Pool(2);
   * console.log(await pool.map((x: number) => x * x, [1, 2, 3])); // [ 1, 4, 9 ]
   * // After the input: chunksize, a progress bar, callbacks.
   * const lengths = await pool.map((w: string) => w.length, ['a', 'bb'], {
   *   chunksize: 1,
   *   progress: true,
   * });
   * ```
   */
  async map<T, R>(fn: (item: T) => R, iterable: AnyIterable<T>, chunksize?: number | MapOptions<Awaited<R>[]>, options?: MapOptions<Awaited<R>[]>): Promise<Awaited<R>[]> {
    return this.mapAsync(fn, iterable, chunksize, options).get();
  }

  /** `map` that returns a `MapResult` at once. */
  mapAsync<T, R>(fn: (item: T) => R, iterable: AnyIterable<T>, chunksize?: number | MapOptions<Awaited<R>[]>, options?: MapOptions<Awaited<R>[]>): MapResult<Awaited<R>> {
    return this.#mapJob(fn, iterable, chunksize, options, false) as MapResult<Awaited<R>>;
  }

  /**
   * `map` with each item spread as the arguments: `fn(...item)`.
   *
   * @example
   * ```ts
   * import { Pool } from 'multipool';
   * await using pool = new Pool(2);
   * const pow = (base: number, exponent: number) => base ** exponent;
   * console.log(await pool.starmap(pow, [[2, 3], [3, 2], [10, 0]])); // [ 8, 9, 1 ]
   * ```
   */
  async starmap<A extends unknown[], R>(fn: (...args: A) => R, iterable: AnyIterable<A>, chunksize?: number | MapOptions<Awaited<R>[]>, options?: MapOptions<Awaited<R>[]>): Promise<Awaited<R>[]> {
    return this.starmapAsync(fn, iterable, chunksize, options).get();
  }

  /** `starmap` that returns a `MapResult` at once. */
  starmapAsync<A extends unknown[], R>(fn: (...args: A) => R, iterable: AnyIterable<A>, chunksize?: number | MapOptions<Awaited<R>[]>, options?: MapOptions<Awaited<R>[]>): MapResult<Awaited<R>> {
    return this.#mapJob(fn, iterable, chunksize, options, true) as MapResult<Awaited<R>>;
  }

  #mapJob(fn: unknown, iterable: unknown, chunksize: unknown, options: unknown, star: boolean): MapResult<unknown> {
    this.#engine.admit(fn);
    validateIterable(iterable, 'iterable');
    const resolved = resolveMapOptions(chunksize as number | MapOptions<unknown[]> | undefined, options as MapOptions<unknown[]> | undefined, {
      method: star ? 'starmap' : 'map',
      keys: MAP_OPTION_KEYS,
    });
    return new MapResult<unknown>(
      this.#engine,
      { fn, input: iterable, chunksize: resolved.chunksize, star, processes: this.#processes, progress: this.#progress(resolved.progress) },
      resolved,
    );
  }

  /**
   * Lazy `map`: results in input order as they are ready. The input is read
   * only a bounded distance ahead of the consumer, so it may be infinite;
   * `break` stops reading it and frees the workers.
   *
   * @param chunksize - items per task (default 1), or the options object `{ chunksize, progress }`.
   * @param options - `{ progress }` after a numeric chunksize, as `map(fn, xs, 10, { progress })`.
   * @throws InvalidStateError when the pool is not running; TypeError/RangeError for bad arguments.
   * @example
   * ```ts
   * import { Pool } from 'multipool';
   * await using pool = new Pool(2);
   * function* naturals(): Generator<number> {
   *   for (let n = 1; ; n++) yield n;
   * }
   * // An infinite input: read only a little ahead of the loop.
   * for await (const sq of pool.imap((n: number) => n * n, naturals())) {
   *   if (sq > 50) break; // stops the input, frees the workers
   *   console.log(sq); // 1, 4, 9, … 49, in input order
   * }
   * ```
   */
  imap<T, R>(fn: (item: T) => R, iterable: AnyIterable<T>, chunksize?: number | IMapOptions, options?: IMapOptions): IMapIterator<Awaited<R>> {
    return this.#imapJob(fn, iterable, chunksize, options, true) as IMapIterator<Awaited<R>>;
  }

  /**
   * `imap` in completion order; takes the same arguments.
   *
   * @example
   * ```ts
   * import { ThreadPool } from 'multipool';
   * await using pool = new ThreadPool(3);
   * const nap = (ms: number) =>
   *   new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));
   * for await (const ms of pool.imapUnordered(nap, [300, 100, 200])) {
   *   console.log(ms); // each as soon as it is done, not in input order
   * }
   * ```
   */
  imapUnordered<T, R>(fn: (item: T) => R, iterable: AnyIterable<T>, chunksize?: number | IMapOptions, options?: IMapOptions): IMapIterator<Awaited<R>> {
    return this.#imapJob(fn, iterable, chunksize, options, false) as IMapIterator<Awaited<R>>;
  }

  #imapJob(fn: unknown, iterable: unknown, chunksize: number | IMapOptions | undefined, extra: IMapOptions | undefined, ordered: boolean): IMapIterator<unknown> {
    this.#engine.admit(fn);
    validateIterable(iterable, 'iterable');
    const options = resolveMapOptions(chunksize, extra, { method: ordered ? 'imap' : 'imapUnordered', keys: IMAP_OPTION_KEYS });
    return new IMapIterator<unknown>(this.#engine, {
      fn,
      input: iterable,
      chunksize: options.chunksize ?? 1,
      star: false,
      ordered,
      perItem: false,
      workers: this.#processes,
      progress: this.#progress(options.progress, iterable),
    });
  }

  /** The progress sink for a job; an array input gives the total up front. */
  #progress(option: ProgressOption | undefined, input?: unknown): ProgressSink | null {
    const sink = progressSink(option, (error) => this.#engine.reportCallbackError(error));
    if (sink && Array.isArray(input)) sink.total(input.length);
    return sink;
  }

  /** No more submissions; workers exit once the queued work is done. */
  close(): void {
    this.#engine.close();
  }

  /**
   * Waits until every worker has exited.
   *
   * @throws InvalidStateError (as a rejection) "Pool is still running" before `close()`/`terminate()`.
   */
  async join(): Promise<void> {
    await this.#engine.join();
  }

  /** Stops every worker now; outstanding results reject with `CancelledError`. */
  async terminate(): Promise<void> {
    await this.#engine.terminate();
  }

  /**
   * `await using pool = new Pool()`: at the end of the block the pool finishes its outstanding work, then
   * stops its workers (`close()` + `join()`), so `return pool.map(…)` from the block works. An `imap` left
   * half-read (its remaining input would only be pulled by a reader) ends instead, with a `CancelledError`
   * after the results it already has. Python's `with Pool()` terminates, because its calls have all returned
   * by then; call `terminate()` to stop now.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    this.#engine.endUnread();
    await this.join();
  }
}
