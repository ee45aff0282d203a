/**
 * multipool: Python's `multiprocessing.Pool` and `concurrent.futures` for
 * Node.js, on worker threads and child processes.
 *
 * @packageDocumentation
 */
export { IMapIterator } from './engine/imap-iterator.js';
export type { TaskLimits } from './engine/task-limits.js';
export {
  BrokenBarrierError,
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  Empty,
  Full,
  InvalidStateError,
  MaybeEncodingError,
  ProcessError,
  RemoteTraceback,
  TimeoutError,
  WorkerLostError,
} from './errors.js';
export type { ClusterExecutorOptions } from './futures/cluster-executor.js';
export { ClusterExecutor } from './futures/cluster-executor.js';
export type { ExecutorMapOptions, ExecutorOptions, IterablesFor, SubmitOptions } from './futures/executor.js';
export { Executor } from './futures/executor.js';
export { Future } from './futures/future.js';
export type { ProcessPoolExecutorOptions } from './futures/process-pool-executor.js';
export { ProcessPoolExecutor } from './futures/process-pool-executor.js';
export type { ThreadPoolExecutorOptions } from './futures/thread-pool-executor.js';
export { ThreadPoolExecutor } from './futures/thread-pool-executor.js';
export type { Completed, CompletedFuture, ReturnWhen, WaitOptions } from './futures/wait.js';
export { ALL_COMPLETED,asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, wait } from './futures/wait.js';
export { isMain } from './internal/is-main.js';
export type { ProgressOption } from './internal/progress.js';
export { isWorker } from './internal/state.js';
export type { AnyIterable } from './internal/validate.js';
export { ApplyResult } from './pool/apply-result.js';
export type { ResultCallbacks } from './pool/async-result.js';
export { AsyncResult } from './pool/async-result.js';
export { MapResult } from './pool/map-result.js';
export type { ApplyOptions,MapOptions, PoolOptions } from './pool/options.js';
export type { IMapOptions, PoolEvents } from './pool/pool.js';
export { Pool } from './pool/pool.js';
export { ThreadPool } from './pool/thread-pool.js';
export type { ParentProcessInfo, ProcessInfo } from './process/functions.js';
export { activeChildren, cpuCount, currentProcess, parentProcess } from './process/functions.js';
export type { ProcessBackend, ProcessOptions } from './process/options.js';
export { Process } from './process/process.js';
export type { BackendKind } from './runtime/backend.js';
export type { ClusterOptions } from './runtime/cluster/options.js';
export type { AnyFunction } from './runtime/function-ref.js';
export { task } from './runtime/function-ref.js';
export { move } from './runtime/move.js';
export type { MultiYieldMode, MultiYieldOptions, Yielded, YieldedItem } from './stream/multi-yield.js';
export { multiYield } from './stream/multi-yield.js';
export type { BarrierOptions } from './sync/barrier.js';
export { Barrier } from './sync/barrier.js';
export { Condition } from './sync/condition.js';
export { DictProxy } from './sync/dict-proxy.js';
export type { DictKey } from './sync/dict-state.js';
export { Event } from './sync/event.js';
export { ListProxy } from './sync/list-proxy.js';
export { Lock, RLock } from './sync/lock.js';
export { Manager } from './sync/manager.js';
export { NamespaceProxy } from './sync/namespace.js';
export { JoinableQueue, Queue } from './sync/queue.js';
export { BoundedSemaphore, Semaphore } from './sync/semaphore.js';
export { SharedArray as Array, RawArray, SharedArray } from './sync/shared-array.js';
export { SimpleQueue } from './sync/simple-queue.js';
export type { ElementOf, NumberTypecode, SharedView, Typecode, ViewOf } from './sync/typecodes.js';
export type { SharedValueOptions } from './sync/value.js';
export { RawValue, Value } from './sync/value.js';
