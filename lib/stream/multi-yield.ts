/**
 * `multi_yield` from the program this project started from: a parallel
 * generator that reads like a serial loop. Input items come from a (possibly
 * infinite) source through a bounded task queue; each worker runs `fn(item)` —
 * a value, a promise, or a (async) generator whose values stream back while it
 * runs — and the consumer just iterates. Leaving the loop stops the workers
 * and releases everything.
 */
import { availableParallelism } from 'node:os';

import { Engine } from '../engine/engine.js';
import { unheard } from '../engine/events.js';
import { IMapIterator } from '../engine/imap-iterator.js';
import { POOL_MAX_WINDOW } from '../engine/window.js';
import type { AnyIterable } from '../internal/validate.js';
import { validateFunction, validateInteger, validateIterable, validateKeys, validateOneOf, validatePlainObject } from '../internal/validate.js';
import type { BackendKind, LocalBackendKind } from '../runtime/backend.js';
import { createBackend, LOCAL_BACKEND_KINDS } from '../runtime/index.js';

/** Where `multiYield` runs `fn`. */
export type MultiYieldMode = Exclude<BackendKind, 'cluster'>;

/** Options of `multiYield`. */
export interface MultiYieldOptions {
  /** `'process'` (default), `'thread'`, or `'async'` (the calling event loop; closures allowed). */
  mode?: MultiYieldMode | undefined;
  /** Concurrent workers; defaults to `os.availableParallelism()`. */
  workers?: number | undefined;
  /** Size of the bounded task and result queues (default 10). */
  queueSize?: number | undefined;
}

/** What `fn` may give back for one input item: a value, a promise, or a (async) generator of values. */
export type Yielded<R> = R | PromiseLike<R> | Iterator<R> | AsyncIterator<R>;

/** What `multiYield` yields for a `fn` result of type `T`: an iterator (a generator object) gives its items; any other value, arrays included, is one item. */
export type YieldedItem<T> = T extends PromiseLike<infer V> ? V : T extends AsyncIterator<infer V> ? V : T extends Iterator<infer V> ? V : T;

/**
 * Runs `fn` over every input item in parallel and yields every value it produces,
 * in completion order. Back-pressure is end to end: the source is never more
 * than `2 * queueSize + workers` items ahead of what the loop has taken.
 *
 * @param fn - called with each input item; a generator function may yield many values per item.
 * @param source - the input items, sync or async, possibly infinite.
 * @throws TypeError / RangeError for bad arguments (when iteration starts); an error thrown by `fn`
 *   is thrown into the loop as its own class with a `RemoteTraceback` cause.
 * @example
 * ```ts
 * import { multiYield } from 'multipool';
 * function* naturals() { for (let i = 0; ; i++) yield i; }
 * for await (const square of multiYield((x: number) => x * x, naturals(), { mode: 'thread', workers: 2 })) {
 *   if (square > 100) break; // stops the workers and the source
 * }
 * ```
 */
export async function* multiYield<S, T>(
  fn: (item: S) => T,
  source: AnyIterable<S>,
  options: MultiYieldOptions = {},
): AsyncGenerator<YieldedItem<Awaited<T>>, void, undefined> {
  const { mode, workers, queueSize } = resolveOptions(fn, source, options);
  const engine = startEngine(fn, mode, workers);
  const items = new IMapIterator<YieldedItem<Awaited<T>>>(engine, {
    fn,
    input: source,
    // One input item per chunk, results in completion order; a generator streams its items back with at
    // most `queueSize` of them unacknowledged, so a slow consumer makes the workers wait.
    chunksize: 1,
    star: false,
    ordered: false,
    perItem: false,
    workers,
    // The contract's bound: at most 2 * queueSize + workers input items ahead of what the loop has taken.
    // One less here, because the iterator counts an item as taken one step before the loop body gets it.
    lookahead: 2 * queueSize + workers - 1,
    stream: queueSize,
  });
  try {
    for (;;) {
      const step = await items.next();
      if (step.done) return;
      yield step.value;
    }
  } finally {
    // Runs on normal end, `break`/`return`, and an error in the loop body or in `fn` alike.
    await items.return();
    await engine.terminate();
  }
}

/** Checks every argument before any worker starts. */
function resolveOptions(fn: unknown, source: unknown, options: MultiYieldOptions): { mode: LocalBackendKind; workers: number; queueSize: number } {
  validateFunction(fn, 'fn');
  validateIterable(source, 'source');
  validatePlainObject(options, 'options');
  validateKeys(options, 'multiYield() options', ['mode', 'workers', 'queueSize']);
  const { mode = 'process', workers = availableParallelism(), queueSize = 10 } = options;
  validateOneOf(mode, 'mode', LOCAL_BACKEND_KINDS);
  validateInteger(workers, 'workers', 1);
  validateInteger(queueSize, 'queueSize', 1);
  return { mode, workers, queueSize };
}

/** An engine of its own, stopped when the loop ends. */
function startEngine(fn: (...args: never[]) => unknown, mode: LocalBackendKind, workers: number): Engine {
  const backend = createBackend(mode);
  backend.prepare(fn, 'fn');
  return new Engine(
    backend,
    {
      processes: workers,
      initializer: null,
      initargs: [],
      maxTasksPerChild: undefined,
      // Input items queue at a worker as in a Pool (an adaptive window); how many are out at all is
      // bounded by the job's look-ahead, which is what the back-pressure contract is about.
      maxWindow: POOL_MAX_WINDOW,
      spawn: 'eager',
      name: 'multiYield',
      onWorkerLost: 'fail-tasks',
      notRunningMessage: 'multiYield has stopped',
    },
    unheard,
  );
}
