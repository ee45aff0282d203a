/** The outcome of one chunk as a worker sends it back, timed from `start` (performance.now()). */
import { performance } from 'node:perf_hooks';

import type { ItemError, WireChunk, WireOutcome, WireThrown } from '../protocol.js';

/**
 * The chunk ran: its values, and for per-item chunks the items that failed alone. A per-item chunk in which
 * nothing failed is answered as a plain one, so its values travel as plain ones do (runs of numbers as blocks).
 */
export function succeeded(chunk: WireChunk, start: number, values: unknown[] | Float64Array, errors: ItemError[] = []): WireOutcome {
  const ms = performance.now() - start;
  // Only a chunk run item by item has errors, and its values are an array.
  if (errors.length > 0) return { job: chunk.job, index: chunk.index, ms, kind: 'items', values: values as unknown[], errors };
  return { job: chunk.job, index: chunk.index, ms, kind: 'values', values };
}

/** The chunk failed as a whole with `thrown`. */
export function failed(chunk: WireChunk, start: number, thrown: WireThrown): WireOutcome {
  return { job: chunk.job, index: chunk.index, ms: performance.now() - start, kind: 'error', ...thrown };
}
