/** Python's `ApplyResult`: one call, one chunk of one item, with optional per-task limits. */
import type { JobHost } from '../engine/job.js';
import { SingleCall } from '../engine/single-call.js';
import type { TaskLimits } from '../engine/task-limits.js';
import type { Settled } from '../internal/settled.js';
import type { ResultCallbacks } from './async-result.js';
import { AsyncResult } from './async-result.js';

/**
 * The pending result of `applyAsync`. Await `get()` for the value.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * await using pool = new Pool(2);
 * const result = pool.applyAsync((a: number, b: number) => a + b, [1, 2]);
 * console.log(await result.get(5)); // 3
 * ```
 */
export class ApplyResult<R> extends AsyncResult<R> {
  readonly id: number;

  /** @internal Submits the call to `host`. */
  constructor(host: JobHost, fn: (...args: never[]) => unknown, args: readonly unknown[], options: ResultCallbacks<R> & TaskLimits = {}) {
    super(options, host);
    const call = new SingleCall(host, fn, args, options, { settle: (settled) => this.complete(settled as Settled<R>) });
    this.id = call.id;
  }
}
