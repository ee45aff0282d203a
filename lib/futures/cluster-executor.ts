/** A `concurrent.futures` executor whose calls run on worker hosts that read a Redis queue (BullMQ). */
import { availableParallelism } from 'node:os';

import type { ClusterOptions } from '../runtime/cluster/options.js';
import { Executor } from './executor.js';

/** Options of `new ClusterExecutor(...)`: where the queue is, and how many calls to keep in flight. */
export interface ClusterExecutorOptions extends ClusterOptions {
  /** Calls (chunks) this client keeps queued or running on the cluster at once; defaults to the CPU count. */
  maxWorkers?: number | undefined;
}

/**
 * Runs submitted calls on the worker hosts of a cluster (`npx multipool worker …`), as ray's and dask's
 * executors put `concurrent.futures` on a cluster. Its futures are ordinary `Future`s: `asCompleted` and
 * `wait` take them mixed with local ones. Only module tasks travel: pass `task(import.meta.url, fn)`.
 * A host that dies mid-call has the call retried on another host (at-least-once); past the retry limit
 * the future rejects with `WorkerLostError`.
 *
 * @example
 * ```ts
 * import { ClusterExecutor, isMain, task } from 'multipool';
 * export function square(x: number): number {
 *   return x * x;
 * }
 * if (isMain(import.meta)) {
 *   // Hosts run: npx multipool worker --url redis://127.0.0.1:6379 --queue jobs --tasks ./dist/this-module.js
 *   await using executor = new ClusterExecutor({ url: 'redis://127.0.0.1:6379', queue: 'jobs' });
 *   console.log(await executor.submit(task(import.meta.url, square), 12)); // 144
 * }
 * ```
 */
export class ClusterExecutor extends Executor {
  /**
   * @param options - `{ url, queue, maxWorkers?, connectTimeout?, prefix?, redis? }`; `redis` goes to ioredis
   *   as is (password, username, tls, …). `connectTimeout` is in seconds (default 10).
   * @throws TypeError for a missing or malformed `url`/`queue`, or an unknown option.
   * @throws RangeError when `maxWorkers` is not a positive integer or `connectTimeout` is negative.
   */
  constructor(options: ClusterExecutorOptions) {
    // Anything but an object goes on as is, for resolveClusterOptions to name what it expected.
    const input = typeof options === 'object' && (options as unknown) !== null ? options : undefined;
    const { maxWorkers, ...cluster } = input ?? {};
    super({ maxWorkers, cluster: input ? cluster : options }, 'cluster', availableParallelism(), 'ClusterExecutor', ['maxWorkers', 'cluster']);
  }
}
