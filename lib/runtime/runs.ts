/**
 * Runs: consecutive chunks of one job travel as one record (`PackedChunks`), and their successful outcomes
 * likewise (a `'run'` outcome), items flattened, so a message of 64 one-item chunks serializes a handful of
 * objects instead of a few hundred. A run of one chunk keeps that chunk's array: nothing is copied.
 *
 * A run of numbers crossing to another thread or process travels as one `Float64Array`. Both v8
 * serialization and structured clone copy a typed array as one block of bytes, where an array costs a tag
 * per element and, on the receiving side, a number object per element that is not a small integer: 12,500
 * numbers take about 40 µs as a Float64Array against 0.5–0.8 ms as an array, each way. Every number
 * survives as itself (`-0`, `NaN`, the infinities), and the receiver turns the block back into an array.
 */
import type { PackedChunks, PackedOutcome, WireChunk, WireOutcome } from './protocol.js';

/**
 * Fewer numbers than this travel as an array: for a handful, the typed array's own objects (its buffer, its
 * header) cost more to copy than the numbers save.
 */
export const NUMBER_RUN_MIN = 64;

/** What a run carries: its items as an array, or a run of numbers as one block (see the header). */
export type RunValues = unknown[] | Float64Array;

/** `parts` (`total` values in all) as one Float64Array when each is a number and there are enough; else null. */
function numberRun(parts: readonly (readonly unknown[])[], total: number): Float64Array | null {
  if (total < NUMBER_RUN_MIN) return null;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) if (typeof part[i] !== 'number') return null;
  }
  const numbers = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) numbers[at++] = part[i] as number;
  }
  return numbers;
}

/** `parts` as one array: the only part itself, or one copy into an array of the final length. */
function flatten(parts: readonly unknown[][], total: number): unknown[] {
  if (parts.length === 1 && parts[0]) return parts[0];
  const values = new Array<unknown>(total);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) values[at++] = part[i];
  }
  return values;
}

/** The values of a run about to be sent; `numbers` when the run crosses to another thread or process. */
function runValues(parts: unknown[][], total: number, numbers: boolean): RunValues {
  return (numbers ? numberRun(parts, total) : null) ?? flatten(parts, total);
}

/** Items `at`..`at + size` of a run as an array of their own (the run's array itself when it is the whole run). */
function segment(values: RunValues, at: number, size: number): unknown[] {
  if (Array.isArray(values)) return at === 0 && size === values.length ? values : values.slice(at, at + size);
  const items = new Array<unknown>(size);
  for (let i = 0; i < size; i++) items[i] = values[at + i];
  return items;
}

/** A run being packed: its first record, the sizes of its chunks, and their arrays. */
interface OpenRun<R> {
  readonly record: R;
  readonly sizes: number[];
  readonly parts: unknown[][];
  total: number;
}

function sameRun(run: PackedChunks, chunk: WireChunk, end: number): boolean {
  return run.job === chunk.job && run.fn === chunk.fn && run.star === chunk.star && run.perItem === chunk.perItem && run.stream === chunk.stream && end === chunk.index;
}

/** Consecutive chunks of one job as runs; `numbers` packs runs of numbers as Float64Arrays (see the header). */
export function packChunks(chunks: readonly WireChunk[], numbers = false): PackedChunks[] {
  const runs: OpenRun<PackedChunks>[] = [];
  let run: OpenRun<PackedChunks> | undefined;
  let end = 0;
  for (const chunk of chunks) {
    if (!run || !sameRun(run.record, chunk, end)) {
      const { job, index, fn, star, perItem, stream } = chunk;
      run = { record: { job, index, fn, star, perItem, ...(stream ? { stream } : {}), sizes: [], items: [] }, sizes: [], parts: [], total: 0 };
      runs.push(run);
    }
    run.sizes.push(chunk.items.length);
    run.parts.push(chunk.items);
    run.total += chunk.items.length;
    end = chunk.index + chunk.items.length;
  }
  return runs.map(({ record, sizes, parts, total }) => ({ ...record, sizes, items: runValues(parts, total, numbers) }));
}

export function unpackChunks(packed: readonly PackedChunks[]): WireChunk[] {
  const chunks: WireChunk[] = [];
  for (const run of packed) {
    let index = run.index;
    let at = 0;
    for (const size of run.sizes) {
      chunks.push({ job: run.job, index, fn: run.fn, star: run.star, perItem: run.perItem, ...(run.stream ? { stream: run.stream } : {}), items: segment(run.items, at, size) });
      index += size;
      at += size;
    }
  }
  return chunks;
}

type ValuesRun = Extract<PackedOutcome, { kind: 'run' }>;

/** Successful outcomes of consecutive chunks of one job as runs; `numbers` as for {@link packChunks}. */
export function packOutcomes(outcomes: readonly WireOutcome[], numbers = false): PackedOutcome[] {
  const packed: (PackedOutcome | OpenRun<ValuesRun> & { ms: number })[] = [];
  let run: (OpenRun<ValuesRun> & { ms: number }) | null = null;
  let end = 0;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'values') {
      packed.push(outcome);
      run = null;
      continue;
    }
    if (!run || run.record.job !== outcome.job || end !== outcome.index) {
      run = { record: { job: outcome.job, index: outcome.index, ms: 0, kind: 'run', sizes: [], values: [] }, sizes: [], parts: [], total: 0, ms: 0 };
      packed.push(run);
    }
    run.sizes.push(outcome.values.length);
    run.parts.push(outcome.values);
    run.total += outcome.values.length;
    run.ms += outcome.ms;
    end = outcome.index + outcome.values.length;
  }
  return packed.map((entry) => ('record' in entry ? { ...entry.record, ms: entry.ms, sizes: entry.sizes, values: runValues(entry.parts, entry.total, numbers) } : entry));
}

export function unpackOutcomes(packed: readonly PackedOutcome[]): WireOutcome[] {
  const outcomes: WireOutcome[] = [];
  for (const entry of packed) {
    if (entry.kind !== 'run') {
      outcomes.push(entry);
      continue;
    }
    const ms = entry.ms / entry.sizes.length;
    let index = entry.index;
    let at = 0;
    for (const size of entry.sizes) {
      outcomes.push({ job: entry.job, index, ms, kind: 'values', values: segment(entry.values, at, size) });
      index += size;
      at += size;
    }
  }
  return outcomes;
}
