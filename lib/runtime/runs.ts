/**
 * Runs: consecutive chunks of one job travel as one record (`PackedChunks`), and their successful outcomes
 * likewise (a `'run'` outcome), items flattened, so a message of 64 one-item chunks serializes a handful of
 * objects instead of a few hundred. A run of one chunk keeps that chunk's array: nothing is copied.
 *
 * A run of at least `NUMBER_RUN_MIN` numbers crossing to another thread or process travels as one
 * `Float64Array`. Both v8 serialization and structured clone copy a typed array as one block
 * of bytes, where an array costs a tag per element and, on the receiving side, a number object per element
 * that is not a small integer: 12,500 numbers take about 40 µs as a Float64Array against 0.5–0.8 ms as an
 * array, each way. Every number survives as itself (`-0`, `NaN`, the infinities). The receiver reads a long
 * chunk's numbers through a view of the block (a worker its items, the engine its values: a map copies them
 * once, into its result) and gets a short one as an array.
 */
import type { PackedChunks, PackedOutcome, WireChunk, WireOutcome } from './protocol.js';

/**
 * Runs of fewer numbers than this travel as arrays: for a handful, the typed array's own objects cost more to
 * copy than the numbers save. A chunk at least this long is read by its worker through a view of the block;
 * a shorter one gets an array of its own, cheaper to make than a view (64 views for the 64 one-item chunks of
 * an `imap` made `imap(fn, xs, 1)` over 100,000 numbers a quarter slower).
 */
export const NUMBER_RUN_MIN = 64;

/** What a run carries: its items as an array, or a run of numbers as one block (see the header). */
export type RunValues = unknown[] | Float64Array;

/**
 * `parts` (`total` values in all) as one Float64Array when each is a number and there are enough; else null.
 * One pass checks and copies: a worker runs it cold on its first chunks, where every pass over 12,500 values
 * costs a millisecond or more.
 */
function numberRun(parts: readonly RunValues[], total: number): Float64Array | null {
  if (total < NUMBER_RUN_MIN) return null;
  const only = parts.length === 1 ? parts[0] : undefined;
  // A worker's block of results (see worker/chunk-call.ts) is sent as it is.
  if (only instanceof Float64Array && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) return only;
  const numbers = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    if (part instanceof Float64Array) {
      numbers.set(part, at);
      at += part.length;
      continue;
    }
    for (let i = 0; i < part.length; i++) {
      const value = part[i];
      if (typeof value !== 'number') return null;
      numbers[at++] = value;
    }
  }
  return numbers;
}

/** `parts` as one run: the only part itself, or one copy into an array of the final length. */
function flatten(parts: readonly RunValues[], total: number): RunValues {
  if (parts.length === 1 && parts[0]) return parts[0];
  const values = new Array<unknown>(total);
  let at = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) values[at++] = part[i];
  }
  return values;
}

/** The values of a run about to be sent; `numbers` when the run crosses to another thread or process. */
function runValues(parts: readonly RunValues[], total: number, numbers: boolean): RunValues {
  return (numbers ? numberRun(parts, total) : null) ?? flatten(parts, total);
}

/** Items `at`..`at + size` of a run as an array of their own (the run's array itself when it is the whole run). */
function arraySegment(values: RunValues, at: number, size: number): unknown[] {
  if (Array.isArray(values)) return at === 0 && size === values.length ? values : values.slice(at, at + size);
  const items = new Array<unknown>(size);
  for (let i = 0; i < size; i++) items[i] = values[at + i];
  return items;
}

/** Items `at`..`at + size` of a run for a worker: a long chunk of numbers as a view of the block (see NUMBER_RUN_MIN). */
function segment(values: RunValues, at: number, size: number): RunValues {
  return Array.isArray(values) || size < NUMBER_RUN_MIN ? arraySegment(values, at, size) : values.subarray(at, at + size);
}

/**
 * A run being packed: its first chunk or outcome, the sizes of its chunks and their arrays. Built as one
 * literal with every field, never by spreading: this is read and written once per chunk, and a spread-built
 * object made packing a message of 64 one-item chunks five times slower.
 */
interface OpenRun<F> {
  readonly first: F;
  readonly sizes: number[];
  readonly parts: RunValues[];
  total: number;
  ms: number;
}

function openRun<F>(first: F): OpenRun<F> {
  return { first, sizes: [], parts: [], total: 0, ms: 0 };
}

function addPart(run: OpenRun<unknown>, part: RunValues): void {
  run.sizes.push(part.length);
  run.parts.push(part);
  run.total += part.length;
}

function sameRun({ first, total }: OpenRun<WireChunk>, chunk: WireChunk): boolean {
  return (
    first.job === chunk.job &&
    first.fn === chunk.fn &&
    first.star === chunk.star &&
    first.perItem === chunk.perItem &&
    first.stream === chunk.stream &&
    // A chunk with a claim word travels alone: the word is the chunk's.
    first.claim === undefined &&
    chunk.claim === undefined &&
    first.index + total === chunk.index
  );
}

function chunkRecord({ first, sizes, parts, total }: OpenRun<WireChunk>, numbers: boolean): PackedChunks {
  const { job, index, fn, star, perItem, stream, claim } = first;
  const items = runValues(parts, total, numbers);
  const record: PackedChunks = stream === undefined ? { job, index, fn, star, perItem, sizes, items } : { job, index, fn, star, perItem, stream, sizes, items };
  return claim === undefined ? record : { ...record, claim };
}

/** Consecutive chunks of one job as runs; `numbers` packs runs of numbers as Float64Arrays (see the header). */
export function packChunks(chunks: readonly WireChunk[], numbers = false): PackedChunks[] {
  const packed: PackedChunks[] = [];
  let run: OpenRun<WireChunk> | null = null;
  for (const chunk of chunks) {
    if (!run || !sameRun(run, chunk)) {
      if (run) packed.push(chunkRecord(run, numbers));
      run = openRun(chunk);
    }
    addPart(run, chunk.items);
  }
  if (run) packed.push(chunkRecord(run, numbers));
  return packed;
}

/**
 * The chunks of `packed` runs, for the worker loop. A run of numbers is not copied back into arrays: each
 * chunk reads its items from its part of the Float64Array, as a task cannot tell (it gets each number).
 */
export function unpackChunks(packed: readonly PackedChunks[]): WireChunk[] {
  const chunks: WireChunk[] = [];
  for (const run of packed) {
    let index = run.index;
    let at = 0;
    for (const size of run.sizes) {
      const chunk: WireChunk = { job: run.job, index, fn: run.fn, star: run.star, perItem: run.perItem, items: segment(run.items, at, size) };
      // Built as one literal on the common path: spreading here costs several times the rest of the loop.
      chunks.push(run.stream === undefined && run.claim === undefined ? chunk : { ...chunk, ...(run.stream ? { stream: run.stream } : {}), ...(run.claim === undefined ? {} : { claim: run.claim }) });
      index += size;
      at += size;
    }
  }
  return chunks;
}

type ValuesOutcome = Extract<WireOutcome, { kind: 'values' }>;
type OutcomeRun = OpenRun<ValuesOutcome>;

/** Successful outcomes of consecutive chunks of one job grouped into runs; any other outcome stays as it is. */
function outcomeRuns(outcomes: readonly WireOutcome[]): (WireOutcome | OutcomeRun)[] {
  const entries: (WireOutcome | OutcomeRun)[] = [];
  let run: OutcomeRun | null = null;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'values') {
      entries.push(outcome);
      run = null;
      continue;
    }
    if (!run || run.first.job !== outcome.job || run.first.index + run.total !== outcome.index) {
      run = openRun(outcome);
      entries.push(run);
    }
    addPart(run, outcome.values);
    run.ms += outcome.ms;
  }
  return entries;
}

function closedRun({ first, ms, sizes }: OutcomeRun, values: RunValues): PackedOutcome {
  return { job: first.job, index: first.index, ms, kind: 'run', sizes, values };
}

/** Successful outcomes of consecutive chunks of one job as runs; `numbers` as for {@link packChunks}. */
export function packOutcomes(outcomes: readonly WireOutcome[], numbers = false): PackedOutcome[] {
  return outcomeRuns(outcomes).map((entry) => ('kind' in entry ? entry : closedRun(entry, runValues(entry.parts, entry.total, numbers))));
}

/**
 * `outcomes` packed when every one of them is a success and every run a run of numbers, else null: such a
 * message holds nothing that needs a walk (no class instance, Buffer, moved value or shared primitive).
 */
export function packNumberOutcomes(outcomes: readonly WireOutcome[]): PackedOutcome[] | null {
  const packed: PackedOutcome[] = [];
  for (const entry of outcomeRuns(outcomes)) {
    if ('kind' in entry) return null;
    const numbers = numberRun(entry.parts, entry.total);
    if (numbers === null) return null;
    packed.push(closedRun(entry, numbers));
  }
  return packed;
}

/**
 * The outcomes of `packed` runs. A chunk of a run of numbers gets its part of the block as a view when it is
 * long (see NUMBER_RUN_MIN): the receiver reads the numbers from there, so 12,500 of them are not first copied
 * into an array of their own.
 */
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
