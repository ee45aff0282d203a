/** Python's `concurrent.futures.ProcessPoolExecutor`, on child processes. */
import { availableParallelism } from 'node:os';

import type { ExecutorOptions } from './executor.js';
import { Executor } from './executor.js';

/** Options of `new ProcessPoolExecutor(...)`. */
export interface ProcessPoolExecutorOptions extends ExecutorOptions {
  /** Replace a worker process after it has run this many tasks. */
  maxTasksPerChild?: number | undefined;
}

/**
 * Runs submitted calls in child processes. `maxWorkers` defaults to the CPU
 * count. A worker that dies abruptly breaks the executor, as in Python.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor } from 'multipool';
 * await using executor = new ProcessPoolExecutor(2);
 * console.log(await executor.submit((n: number) => n ** 2, 12)); // 144
 * ```
 */
export class ProcessPoolExecutor extends Executor {
  /**
   * @param options - `maxWorkers`, or `{ maxWorkers, initializer, initargs, maxTasksPerChild }`.
   * @throws RangeError when `maxWorkers` or `maxTasksPerChild` is not a positive integer.
   * @throws TypeError for an unknown option or one of the wrong type (checked before any worker starts).
   */
  constructor(options?: number | ProcessPoolExecutorOptions) {
    super(options, 'process', availableParallelism(), 'ProcessPoolExecutor', ['maxWorkers', 'initializer', 'initargs', 'maxTasksPerChild']);
  }
}
