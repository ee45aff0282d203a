/**
 * multipool: Python's `multiprocessing.Pool` and `concurrent.futures` for
 * Node.js, on worker threads and child processes.
 *
 * @packageDocumentation
 */
export { Pool, ThreadPool } from './pool/pool.js';
export type { IMapOptions, PoolEvents } from './pool/pool.js';
export type { AnyIterable } from './internal/validate.js';
export { IMapIterator } from './engine/imap-iterator.js';
export type { PoolOptions, MapOptions, ApplyOptions } from './pool/options.js';
export type { TaskLimits } from './engine/task-limits.js';
export type { ProgressOption } from './internal/progress.js';
export { ApplyResult } from './pool/apply-result.js';
export { MapResult } from './pool/map-result.js';
export { AsyncResult } from './pool/async-result.js';
export type { ResultCallbacks } from './pool/async-result.js';
export { Future } from './futures/future.js';
export { Executor } from './futures/executor.js';
export type { ExecutorOptions, ExecutorMapOptions, IterablesFor, SubmitOptions } from './futures/executor.js';
export { ThreadPoolExecutor } from './futures/thread-pool-executor.js';
export type { ThreadPoolExecutorOptions } from './futures/thread-pool-executor.js';
export { ProcessPoolExecutor } from './futures/process-pool-executor.js';
export type { ProcessPoolExecutorOptions } from './futures/process-pool-executor.js';
export { wait, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } from './futures/wait.js';
export type { CompletedFuture, ReturnWhen } from './futures/wait.js';
export { multiYield } from './stream/multi-yield.js';
export type { MultiYieldMode, MultiYieldOptions, Yielded, YieldedItem } from './stream/multi-yield.js';
export { task } from './runtime/function-ref.js';
export type { AnyFunction } from './runtime/function-ref.js';
export type { BackendKind } from './runtime/backend.js';
export { isWorker } from './internal/state.js';
export {
  TimeoutError,
  CancelledError,
  InvalidStateError,
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  MaybeEncodingError,
  RemoteTraceback,
  WorkerLostError,
} from './errors.js';
