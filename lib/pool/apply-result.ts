/** Python's `ApplyResult`: one call, one chunk of one item, with optional per-task limits. */
import type { Chunk } from '../runtime/backend.js';
import { AsyncResult } from './async-result.js';
import type { ResultCallbacks } from './async-result.js';
import type { ChunkOutcome, JobHost, TaskSource } from '../engine/job.js';
import { singleCall } from '../engine/task-limits.js';
import type { TaskGuard, TaskLimits } from '../engine/task-limits.js';

type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

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
export class ApplyResult<R> extends AsyncResult<R> implements TaskSource {
  #chunk: Chunk | null;
  readonly #guard: TaskGuard | null;

  /** @internal */
  constructor(host: JobHost, fn: (...args: never[]) => unknown, args: readonly unknown[], callbacks?: ResultCallbacks<R>, limits: TaskLimits = {}) {
    super(host, callbacks);
    const { chunk, guard } = singleCall(host, this.id, fn, args, limits, (error) => {
      if (!this.#chunk) return false;
      this.#chunk = null;
      this.complete({ ok: false, error });
      return true;
    });
    this.#chunk = chunk;
    this.#guard = guard;
  }

  /** @internal */
  get exhausted(): boolean {
    return this.#chunk === null;
  }

  /** @internal */
  poll(): Chunk | undefined {
    const chunk = this.#chunk ?? undefined;
    this.#chunk = null;
    return chunk;
  }

  /** @internal */
  started(): void {
    this.#guard?.started();
  }

  /** @internal */
  settle(_index: number, outcome: ChunkOutcome): void {
    if (outcome.kind === 'values') this.complete({ ok: true, value: outcome.values[0] as R });
    else if (outcome.kind === 'error') this.complete({ ok: false, error: outcome.error });
    else if (outcome.errors.has(0)) this.complete({ ok: false, error: outcome.errors.get(0) });
    else this.complete({ ok: true, value: outcome.values[0] as R });
  }

  /** @internal */
  override abort(error: unknown): void {
    this.#chunk = null;
    super.abort(error);
  }

  protected override complete(settled: Settled<R>, notifyHost = true): void {
    this.#guard?.dispose();
    super.complete(settled, notifyHost);
  }
}
