/**
 * multipool: Python's `multiprocessing.Pool` and `concurrent.futures` for
 * Node.js, on worker threads and child processes.
 *
 * @packageDocumentation
 */
export { Pool, ThreadPool } from './pool/pool.js';
export type { AnyIterable, IMapOptions, PoolEvents } from './pool/pool.js';
export { IMapIterator } from './pool/imap-iterator.js';
export type { PoolOptions, MapOptions, ApplyOptions } from './pool/options.js';
export { ApplyResult } from './pool/apply-result.js';
export { MapResult } from './pool/map-result.js';
export { AsyncResult } from './pool/async-result.js';
export type { ResultCallbacks } from './pool/async-result.js';
export { task } from './runtime/function-ref.js';
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
