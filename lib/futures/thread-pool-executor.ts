/** Python's `concurrent.futures.ThreadPoolExecutor`, on worker threads. */
import { availableParallelism } from 'node:os';

import { describe } from '../internal/validate.js';
import type { ExecutorOptions } from './executor.js';
import { Executor } from './executor.js';

/** Options of `new ThreadPoolExecutor(...)`. */
export interface ThreadPoolExecutorOptions extends ExecutorOptions {
  /** Accepted for Python parity and kept as `threadNamePrefix`; Node's worker threads are not named by it. */
  threadNamePrefix?: string | undefined;
}

/**
 * Runs submitted calls on worker threads. `maxWorkers` defaults to Python's
 * `min(32, cpus + 4)`.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from 'multipool';
 * await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * for await (const n of executor.map((x: number) => x * x, [1, 2, 3])) console.log(n);
 * ```
 */
export class ThreadPoolExecutor extends Executor {
  /** The prefix given at construction (Python's `thread_name_prefix`). */
  readonly threadNamePrefix: string;

  /**
   * @param options - `maxWorkers`, or `{ maxWorkers, initializer, initargs, threadNamePrefix }`.
   * @throws RangeError when `maxWorkers` is not a positive integer.
   * @throws TypeError for an unknown option or one of the wrong type (checked before any worker starts).
   */
  constructor(options?: number | ThreadPoolExecutorOptions) {
    // Checked before super(), which starts the workers.
    const prefix = threadNamePrefix(options);
    super(options, 'thread', Math.min(32, availableParallelism() + 4), 'ThreadPoolExecutor', ['maxWorkers', 'initializer', 'initargs', 'threadNamePrefix']);
    this.threadNamePrefix = prefix;
  }
}

/** The `threadNamePrefix` option, validated, or the default. */
function threadNamePrefix(options: unknown): string {
  const prefix = typeof options === 'object' && options !== null ? (options as ThreadPoolExecutorOptions).threadNamePrefix : undefined;
  if (prefix !== undefined && typeof prefix !== 'string') throw new TypeError(`Expected \`threadNamePrefix\` to be a string, got ${describe(prefix)}`);
  return prefix ?? 'ThreadPoolExecutor';
}
