/** Python's `multiprocessing.pool.ThreadPool`: the `Pool` API on worker threads. */
import type { BackendKind } from '../runtime/backend.js';
import { Pool } from './pool.js';

/**
 * A pool of worker threads, as Python's `multiprocessing.pool.ThreadPool`:
 * the same API as `Pool`, with tasks on `worker_threads`.
 *
 * @example
 * ```ts
 * import { ThreadPool } from 'multipool';
 * await using pool = new ThreadPool(2);
 * console.log(await pool.apply((a: number, b: number) => a * b, [6, 7])); // 42
 * ```
 */
export class ThreadPool extends Pool {
  /** @internal */
  static override readonly defaultBackend: BackendKind = 'thread';
}
