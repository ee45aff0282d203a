/** Pool options and per-call options, merged with defaults and validated once. */
import type { ResourceLimits } from 'node:worker_threads';

import type { TaskLimits } from '../engine/task-limits.js';
import { validateLimits } from '../engine/task-limits.js';
import type { ProgressOption } from '../internal/progress.js';
import { validateProgress } from '../internal/progress.js';
import { argsArray, validateInteger, validateKeys, validateOptionalFunction, validatePlainObject } from '../internal/validate.js';
import type { BackendKind } from '../runtime/backend.js';
import type { ClusterOptions } from '../runtime/cluster/options.js';
import type { ResultCallbacks } from './async-result.js';

/** Options of `new Pool(...)` and `new ThreadPool(...)`. */
export interface PoolOptions {
  /** Number of workers; defaults to `os.availableParallelism()`. */
  processes?: number | undefined;
  /** Runs once in every worker before its first task, as `initializer(...initargs)`. */
  initializer?: ((...args: never[]) => unknown) | undefined;
  /** Arguments for `initializer`; they must be cloneable. */
  initargs?: readonly unknown[] | undefined;
  /** Replace a worker after it has run this many tasks (chunks). */
  maxTasksPerChild?: number | undefined;
  /** Where tasks run: child processes (Pool's default), worker threads (ThreadPool's default), or this event loop. */
  backend?: BackendKind | undefined;
  /**
   * Heap limits per worker (Node's `ResourceLimits`). Threads get them as is;
   * child processes get `maxOldGenerationSizeMb` as `--max-old-space-size`.
   */
  resourceLimits?: ResourceLimits | undefined;
  /** With `backend: 'cluster'`: the Redis queue that worker hosts (`multipool worker`) read. */
  cluster?: ClusterOptions | undefined;
}

/** The keys of `PoolOptions`; any other is a TypeError. */
export const POOL_OPTION_KEYS = ['processes', 'initializer', 'initargs', 'maxTasksPerChild', 'backend', 'resourceLimits', 'cluster'] as const satisfies readonly (keyof PoolOptions)[];

/** Options of `map`/`starmap` and their `*Async` forms. */
export interface MapOptions<R> extends ResultCallbacks<R> {
  /** Items per task; defaults to Python's `ceil(n / (4 * processes))`. */
  chunksize?: number | undefined;
  /** `true` (or `{ label }`) for a progress bar on stderr when it is a terminal, or a callback `(done, total)`. */
  progress?: ProgressOption | undefined;
}

/** The keys of `MapOptions`. */
export const MAP_OPTION_KEYS = ['chunksize', 'progress', 'callback', 'errorCallback'] as const satisfies readonly (keyof MapOptions<unknown>)[];

/** Options of `apply`/`applyAsync`: callbacks, and per-task `timeout` (seconds from when it starts) and `signal`. */
export interface ApplyOptions<R> extends ResultCallbacks<R>, TaskLimits {}

const APPLY_OPTION_KEYS = ['callback', 'errorCallback', 'timeout', 'signal'] as const satisfies readonly (keyof ApplyOptions<unknown>)[];

/** Which method's options, for messages, and the keys it takes. */
export interface OptionsOf {
  readonly method: string;
  readonly keys: readonly string[];
}

/**
 * `map(fn, xs, 10)`, `map(fn, xs, { chunksize: 10 })` and `map(fn, xs, 10, { callback })` all mean the same.
 * `null`, which untyped callers may pass, counts as no chunksize.
 */
export function resolveMapOptions<R>(
  chunksizeOrOptions: number | MapOptions<R> | null | undefined,
  options: MapOptions<R> | undefined,
  of: OptionsOf,
): MapOptions<R> {
  let merged: MapOptions<R>;
  if (typeof chunksizeOrOptions === 'object' && chunksizeOrOptions !== null) {
    validateKeys(chunksizeOrOptions, `${of.method}() options`, of.keys);
    merged = { ...chunksizeOrOptions, ...options };
  } else {
    validatePlainObject(options, 'options');
    merged = { ...options, chunksize: chunksizeOrOptions ?? options?.chunksize };
  }
  validateKeys(options, `${of.method}() options`, of.keys);
  if (merged.chunksize !== undefined) validateInteger(merged.chunksize, 'chunksize', 1);
  validateProgress(merged.progress);
  validateOptionalFunction(merged.callback, 'callback');
  validateOptionalFunction(merged.errorCallback, 'errorCallback');
  return merged;
}

export function resolveApplyArgs(args: unknown, options: unknown): { args: unknown[]; options: ApplyOptions<unknown> } {
  const list = argsArray(args, 'args');
  validatePlainObject(options, 'options');
  validateKeys(options, 'apply() options', APPLY_OPTION_KEYS);
  const resolved = (options ?? {}) as ApplyOptions<unknown>;
  validateOptionalFunction(resolved.callback, 'callback');
  validateOptionalFunction(resolved.errorCallback, 'errorCallback');
  validateLimits(resolved);
  return { args: list, options: resolved };
}

