/**
 * CPython's `_handle_results`: every outcome a worker sends (rebuilt by its
 * backend) is routed into the job cache by job id. It runs on the workers'
 * message events: the channel is its queue, so a result reaches its job
 * without an extra hop.
 */
import type { IntMap } from '../internal/int-map.js';
import type { ChunkResult } from '../runtime/backend.js';
import type { Job } from './job.js';

export class ResultHandler {
  readonly #cache: IntMap<Job>;

  constructor(cache: IntMap<Job>) {
    this.#cache = cache;
  }

  route(result: ChunkResult): void {
    // A job that was aborted (terminate, timeout) may still get late outcomes; they are dropped.
    this.#cache.get(result.job)?.settle(result.index, result.outcome, result.ms);
  }

  /** Routes items a chunk streamed back while still running. */
  stream(job: number, index: number, values: unknown[]): void {
    this.#cache.get(job)?.stream?.(index, values);
  }

  /** Routes an outcome made on the main side (a lost worker, an unsendable chunk). */
  fail(job: number, index: number, error: unknown): void {
    this.#cache.get(job)?.settle(index, { kind: 'error', error });
  }
}
