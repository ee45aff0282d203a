/**
 * CPython's `_handle_results`: every outcome a worker sends is rebuilt on the
 * main side (errors become their own classes again) and routed into the job
 * cache by job id. It runs on the workers' message events: the channel is its
 * queue, so a result reaches its job without an extra hop.
 */
import type { WireOutcome } from '../runtime/protocol.js';
import { rebuildThrown } from '../runtime/transport.js';
import type { ChunkOutcome, Job } from './job.js';

export class ResultHandler {
  readonly #cache: Map<number, Job>;

  constructor(cache: Map<number, Job>) {
    this.#cache = cache;
  }

  route(outcome: WireOutcome): void {
    // A job that was aborted (terminate, timeout) may still get late outcomes; they are dropped.
    this.#cache.get(outcome.job)?.settle(outcome.index, rebuild(outcome), outcome.ms);
  }

  /** Routes items a chunk streamed back while still running. */
  stream(job: number, index: number, values: unknown[]): void {
    this.#cache.get(job)?.stream?.(index, values);
  }

  /** Routes an outcome made on the main side (a lost worker, an unsendable chunk). */
  fail(job: number, index: number, error: unknown): void {
    this.#cache.get(job)?.settle(index, { ok: false, error });
  }
}

function rebuild(outcome: WireOutcome): ChunkOutcome {
  if (outcome.ok === true) return { ok: true, values: outcome.values };
  if (outcome.ok === false) return { ok: false, error: rebuildThrown(outcome) };
  return { ok: 'each', values: outcome.values, errors: new Map(outcome.errors.map(([i, thrown]) => [i, rebuildThrown(thrown)])) };
}
