/**
 * Python's `concurrent.futures.Executor` over the shared engine: `submit`
 * gives a `Future`, `map` a lazy iterator with per-item semantics, and
 * `shutdown` drains or cancels. The two executors only pick a backend and
 * their defaults.
 */
import { EventEmitter } from 'eventemitter3';

import { Engine } from '../engine/engine.js';
import type { PoolEvents } from '../engine/events.js';
import { emitterFor } from '../engine/events.js';
import type { HeldProbe } from '../engine/job.js';
import type { CallOwner } from '../engine/single-call.js';
import { SingleCall } from '../engine/single-call.js';
import { validateLimits } from '../engine/task-limits.js';
import { executorMaxQueued, POOL_MAX_WINDOW } from '../engine/window.js';
import type { WorkerOptionKey } from '../engine/worker-options.js';
import { resolveWorkerOptions } from '../engine/worker-options.js';
import type { Settled } from '../internal/settled.js';
import { assertNotImportingTaskModule } from '../internal/state.js';
import type { AnyIterable } from '../internal/validate.js';
import { validateKeys, validatePlainObject } from '../internal/validate.js';
import type { BackendKind } from '../runtime/backend.js';
import { createBackend } from '../runtime/index.js';
import type { ExecutorMapOptions } from './executor-map.js';
import { ExecutorMapIterator } from './executor-map.js';
import { cancelTakenBackFuture, Future, holdPendingFuture, linkFutureToCall } from './future.js';

export type { ExecutorMapOptions } from './executor-map.js';

/** Options every executor takes. */
export interface ExecutorOptions {
  /** Number of workers. */
  maxWorkers?: number | undefined;
  /** Runs once in every worker before its first task, as `initializer(...initargs)`. */
  initializer?: ((...args: never[]) => unknown) | undefined;
  /** Arguments for `initializer`; they must be cloneable. */
  initargs?: readonly unknown[] | undefined;
}

/** Per-task options of `submitWith`. */
export interface SubmitOptions {
  /** Seconds the task may run, counted from when it starts. */
  timeout?: number | null | undefined;
  /** Cancels the task: dropped if queued, its worker stopped if running. */
  signal?: AbortSignal | undefined;
}

const SUBMIT_OPTION_KEYS = ['timeout', 'signal'] as const satisfies readonly (keyof SubmitOptions)[];

/** The limits of a plain `submit`: none. */
const NO_LIMITS: SubmitOptions = Object.freeze({});

/** The iterables of `map`, one per parameter of `fn`. */
export type IterablesFor<A extends unknown[]> = { [K in keyof A]: AnyIterable<A[K]> };

/**
 * What the executors share, as Python's `concurrent.futures.Executor`:
 * `submit`, `submitWith`, `map`, `shutdown`. Type a parameter as `Executor`
 * to accept either kind.
 *
 * @example
 * ```ts
 * import { Executor, ProcessPoolExecutor, ThreadPoolExecutor } from 'multipool';
 * async function total(executor: Executor, xs: number[]): Promise<number> {
 *   let sum = 0;
 *   for await (const square of executor.map((x: number) => x * x, xs)) sum += square;
 *   return sum;
 * }
 * await using threads = new ThreadPoolExecutor(2);
 * await using processes = new ProcessPoolExecutor(2);
 * console.log(await total(threads, [1, 2]), await total(processes, [3])); // 5 9
 * ```
 */
export abstract class Executor extends EventEmitter<PoolEvents> {
  readonly #engine: Engine;
  readonly #maxWorkers: number;
  #shutdown: Promise<void> | null = null;

  /** @internal */
  protected constructor(input: unknown, kind: BackendKind, defaultWorkers: number, name: string, keys: readonly WorkerOptionKey[]) {
    super();
    const options = resolveWorkerOptions(input, { name, keys, countName: 'maxWorkers', count: defaultWorkers, backend: kind });
    assertNotImportingTaskModule(name);
    const backend = createBackend(kind, options);
    if (options.initializer) backend.prepare(options.initializer, 'initializer');
    this.#maxWorkers = options.count;
    const maxQueued = executorMaxQueued(options.count);
    this.#engine = new Engine(
      backend,
      {
        processes: options.count,
        initializer: options.initializer,
        initargs: options.initargs,
        maxTasksPerChild: options.maxTasksPerChild,
        // One running at a worker, and up to the executor's whole queue behind it, within the pool's window.
        maxWindow: Math.min(maxQueued + 1, POOL_MAX_WINDOW),
        maxQueued,
        // Python's executors start a worker per submitted task while none is idle, up to maxWorkers.
        spawn: 'on-demand',
        name,
        onWorkerLost: 'break',
        notRunningMessage: 'cannot schedule new futures after shutdown',
      },
      emitterFor(this),
    );
  }

  /** Number of workers. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedules `fn(...args)` and returns its `Future` at once.
   *
   * @throws InvalidStateError "cannot schedule new futures after shutdown"; the Broken class once broken.
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from 'multipool';
   * await using executor = new ProcessPoolExecutor(2);
   * const future = executor.submit((a: number, b: number) => a * b, 6, 7);
   * console.log(await future); // 42: a Future is PromiseLike
   * console.log(await future.result(5)); // 42 (waits 5 s at most)
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    this.#engine.admit(fn);
    return this.#submit(NO_LIMITS, fn, args);
  }

  /**
   * `submit` with per-task options: `timeout` (seconds from when the task
   * starts) and `signal`.
   */
  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    this.#engine.admit(fn);
    validatePlainObject(options, 'options');
    validateKeys(options, 'submitWith() options', SUBMIT_OPTION_KEYS);
    validateLimits(options);
    return this.#submit(options, fn, args);
  }

  #submit<A extends unknown[], R>(limits: SubmitOptions, fn: (...args: A) => R, args: A): Future<Awaited<R>> {
    const future = new Future<Awaited<R>>();
    // The chunk goes to a worker only if the future was not cancelled first, as CPython checks
    // set_running_or_notify_cancel() when it moves a work item to the call queue.
    const call = new SingleCall(this.#engine, fn, args, limits, new FutureOwner(future));
    // A future its user cancelled leaves the job cache too.
    linkFutureToCall(future, call);
    return future;
  }

  /**
   * `fn` over the zipped iterables (shortest wins), results in input order.
   * Reads ahead lazily (`buffersize`), batches tiny items automatically unless
   * `chunksize` is given, and keeps Python's per-item behaviour: a failing
   * item yields every earlier result, then throws its own error; `timeout`
   * counts from this call.
   *
   * @example
   * ```ts
   * import { ThreadPoolExecutor } from 'multipool';
   * await using executor = new ThreadPoolExecutor(2);
   * // Iterables are zipped, as in Python; options come last.
   * const add = (a: number, b: number) => a + b;
   * const sums = executor.map(add, [1, 2, 3], [10, 20, 30], { timeout: 60 });
   * for await (const sum of sums) console.log(sum); // 11, 22, 33
   * ```
   */
  map<A extends unknown[], R>(fn: (...args: A) => R, ...iterables: IterablesFor<A>): AsyncIterableIterator<Awaited<R>>;
  map<A extends unknown[], R>(fn: (...args: A) => R, ...rest: [...IterablesFor<A>, ExecutorMapOptions]): AsyncIterableIterator<Awaited<R>>;
  map(fn: (...args: never[]) => unknown, ...rest: unknown[]): AsyncIterableIterator<unknown> {
    this.#engine.admit(fn);
    const last = rest.at(-1);
    const hasOptions = typeof last === 'object' && last !== null && !(Symbol.iterator in last) && !(Symbol.asyncIterator in last);
    const options = (hasOptions ? rest.pop() : {}) as ExecutorMapOptions;
    return new ExecutorMapIterator(this.#engine, fn, rest as AnyIterable<unknown>[], options, this.#maxWorkers);
  }

  /**
   * No new work; with `wait` (default) resolves once all work is done and the
   * workers have exited. `cancelFutures` cancels what has not started. Idempotent.
   */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    validatePlainObject(options, 'options');
    validateKeys(options, 'shutdown() options', ['wait', 'cancelFutures']);
    const { wait = true, cancelFutures = false } = options;
    if (cancelFutures) {
      this.#engine.cancelPending();
      // Calls sent to a cluster's queue but not started by any host are cancelled too.
      void this.#engine.withdrawQueued();
    }
    this.#shutdown ??= (async () => {
      this.#engine.close();
      await this.#engine.done;
    })();
    if (wait) await this.#shutdown;
  }

  /**
   * `await using executor = …` shuts down with `wait: true` at the end of the block. A `map()` left
   * half-read in the block (its remaining input would only be pulled by a reader) is not waited for: it ends
   * with a `CancelledError` after the results it already has.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const shutdown = this.shutdown({ wait: true });
    this.#engine.endUnread();
    await shutdown;
  }
}

/**
 * A submitted call's owner: its future. One object per call, where five closures over the future made each
 * of a busy executor's thousand pending calls several hundred bytes heavier for the garbage collector.
 */
class FutureOwner<R> implements CallOwner {
  readonly #future: Future<R>;

  constructor(future: Future<R>) {
    this.#future = future;
  }

  settle(settled: Settled<unknown>): void {
    if (this.#future.done()) return;
    if (settled.ok) this.#future.setResult(settled.value as R);
    else this.#future.setException(settled.error);
  }

  mayStart(): boolean {
    return this.#future.setRunningOrNotifyCancel();
  }

  hold(probe: HeldProbe): boolean {
    return holdPendingFuture(this.#future, probe);
  }

  cancel(): void {
    this.#future.cancel();
  }

  withdrawn(): void {
    cancelTakenBackFuture(this.#future);
  }
}
