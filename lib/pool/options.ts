/** Pool options and per-call options, merged with defaults and validated once. */
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { canClone } from '../runtime/transport.js';
import type { BackendKind } from '../runtime/backend.js';
import { describe, validateInteger, validateOptionalFunction, validatePlainObject } from '../internal/validate.js';
import type { ResultCallbacks } from './async-result.js';
import { validateProgress } from '../internal/progress.js';
import type { ProgressOption } from '../internal/progress.js';
import { validateLimits } from './task-limits.js';
import type { TaskLimits } from './task-limits.js';

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
}

export interface ResolvedPoolOptions {
  readonly processes: number;
  readonly initializer: ((...args: never[]) => unknown) | null;
  readonly initargs: unknown[];
  readonly maxTasksPerChild: number | undefined;
  readonly backend: BackendKind;
  readonly resourceLimits: ResourceLimits | undefined;
}

const BACKENDS: readonly BackendKind[] = ['process', 'thread', 'async'];

export function resolvePoolOptions(input: number | PoolOptions | undefined, defaultBackend: BackendKind): ResolvedPoolOptions {
  // Anything but an options object is taken as the worker count, and validated as such.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- untyped callers may pass null, which is a bad count, not options
  const options: PoolOptions = typeof input === 'object' && input !== null ? input : input === undefined ? {} : { processes: input };
  const processes = options.processes ?? availableParallelism();
  validateInteger(processes, 'processes', 1);
  if (options.maxTasksPerChild !== undefined) validateInteger(options.maxTasksPerChild, 'maxTasksPerChild', 1);
  validateOptionalFunction(options.initializer, 'initializer');
  const backend = options.backend ?? defaultBackend;
  if (!BACKENDS.includes(backend)) {
    throw new TypeError(`Expected \`backend\` to be one of 'process', 'thread', 'async', got ${describe(backend)}`);
  }
  // On the event loop nothing travels, so initargs need not clone there.
  const initargs = resolveInitargs(options.initargs, backend !== 'async');
  validatePlainObject(options.resourceLimits, 'resourceLimits');
  return {
    processes,
    initializer: options.initializer ?? null,
    initargs,
    maxTasksPerChild: options.maxTasksPerChild,
    backend,
    resourceLimits: options.resourceLimits,
  };
}

/** `initargs` checked once for pools and executors alike: an array, each argument cloneable when it travels. */
export function resolveInitargs(value: unknown, mustClone: boolean): unknown[] {
  const initargs = value ?? [];
  if (!Array.isArray(initargs)) throw new TypeError(`Expected \`initargs\` to be an array of arguments, got ${describe(initargs)}`);
  if (mustClone) {
    initargs.forEach((arg: unknown, i: number) => {
      if (!canClone(arg)) throw new TypeError(`\`initargs\` argument ${i} cannot be sent to a worker (${describe(arg)}): pass plain, cloneable data`);
    });
  }
  // A copy, typed as unknown[]: Array.isArray narrowed it to any[].
  return Array.from<unknown>(initargs);
}

/** Options of `map`/`starmap` and their `*Async` forms. */
export interface MapOptions<R> extends ResultCallbacks<R> {
  /** Items per task; defaults to Python's `ceil(n / (4 * processes))`. */
  chunksize?: number | undefined;
  /** `true` for a progress bar on stderr (when it is a terminal), or a callback `(done, total)`. */
  progress?: ProgressOption | undefined;
}

/** Options of `apply`/`applyAsync`: callbacks, and per-task `timeout` (seconds from when it starts) and `signal`. */
export interface ApplyOptions<R> extends ResultCallbacks<R>, TaskLimits {}

/**
 * `map(fn, xs, 10)`, `map(fn, xs, { chunksize: 10 })` and `map(fn, xs, 10, { callback })` all mean the same.
 * `null`, which untyped callers may pass, counts as no chunksize.
 */
export function resolveMapOptions<R>(chunksizeOrOptions: number | MapOptions<R> | null | undefined, options: MapOptions<R> | undefined): MapOptions<R> {
  let merged: MapOptions<R>;
  if (typeof chunksizeOrOptions === 'object' && chunksizeOrOptions !== null) {
    merged = { ...chunksizeOrOptions, ...options };
  } else {
    validatePlainObject(options, 'options');
    merged = { ...options, chunksize: chunksizeOrOptions ?? options?.chunksize };
  }
  if (merged.chunksize !== undefined) validateInteger(merged.chunksize, 'chunksize', 1);
  validateProgress(merged.progress);
  validateOptionalFunction(merged.callback, 'callback');
  validateOptionalFunction(merged.errorCallback, 'errorCallback');
  return merged;
}

export function resolveApplyArgs(args: unknown, options: unknown): { args: unknown[]; options: ApplyOptions<unknown> } {
  const list = args ?? [];
  if (!Array.isArray(list)) throw new TypeError(`Expected \`args\` to be an array of arguments, got ${describe(args)}: wrap a single argument as [arg]`);
  validatePlainObject(options, 'options');
  const resolved = (options ?? {}) as ApplyOptions<unknown>;
  validateOptionalFunction(resolved.callback, 'callback');
  validateOptionalFunction(resolved.errorCallback, 'errorCallback');
  validateLimits(resolved);
  return { args: list, options: resolved };
}

