/**
 * Packs consecutive chunks of one job into one record (and their results
 * likewise) so a message of 64 one-item chunks serializes a handful of
 * objects instead of a few hundred. Used by both ends of a real channel; the
 * engine and the worker loop only ever see single chunks and outcomes.
 */
import type { Chunk } from './backend.js';
import type { FnDef, FromWorker, ToWorker, WireChunk, WireOutcome, WireThrown } from './protocol.js';

/**
 * The message that carries `chunks` to one worker: packed chunks, plus the
 * definitions of functions this worker has not been sent yet (`known` ids).
 * Returns the new definitions too, to be marked known once the send succeeded.
 */
export function batchMessage(chunks: readonly Chunk[], defOf: (fn: Chunk['fn']) => FnDef, known: ReadonlySet<number>): { message: ToWorker; fns: FnDef[] } {
  const fns: FnDef[] = [];
  const wire = chunks.map((chunk): WireChunk => {
    const def = defOf(chunk.fn);
    if (!known.has(def.id) && !fns.includes(def)) fns.push(def);
    const { job, index, items, star, each, stream } = chunk;
    return { job, index, fn: def.id, items, star, each, ...(stream ? { stream } : {}) };
  });
  return { message: { t: 'batch', fns, chunks: packChunks(wire) }, fns };
}

/** A worker's message as the engine sees it: results unpacked. */
export type WorkerMessage =
  | { readonly t: 'results'; readonly results: WireOutcome[] }
  | { readonly t: 'items'; readonly job: number; readonly index: number; readonly values: unknown[] }
  | { readonly t: 'init-error'; readonly error: WireThrown };

export function unpackMessage(message: FromWorker): WorkerMessage {
  return message.t === 'results' ? { t: 'results', results: unpackOutcomes(message.results) } : message;
}

/** Chunks `index, index + sizes[0], …` of one job, items flattened. */
export interface PackedChunks {
  readonly job: number;
  readonly index: number;
  readonly fn: number;
  readonly star: boolean;
  readonly each: boolean;
  readonly stream?: number;
  readonly sizes: number[];
  readonly items: unknown[];
}

/** Successful outcomes of consecutive chunks of one job, values flattened; anything else as is. */
export type PackedOutcome = WireOutcome | { readonly job: number; readonly index: number; readonly ms: number; readonly ok: 'run'; readonly sizes: number[]; readonly values: unknown[] };

export function packChunks(chunks: readonly WireChunk[]): PackedChunks[] {
  const packed: PackedChunks[] = [];
  let run: PackedChunks | null = null;
  let end = 0;
  for (const chunk of chunks) {
    if (!run || run.job !== chunk.job || run.fn !== chunk.fn || run.star !== chunk.star || run.each !== chunk.each || run.stream !== chunk.stream || end !== chunk.index) {
      run = { job: chunk.job, index: chunk.index, fn: chunk.fn, star: chunk.star, each: chunk.each, ...(chunk.stream ? { stream: chunk.stream } : {}), sizes: [], items: [] };
      packed.push(run);
    }
    run.sizes.push(chunk.items.length);
    for (const item of chunk.items) run.items.push(item);
    end = chunk.index + chunk.items.length;
  }
  return packed;
}

export function unpackChunks(packed: readonly PackedChunks[]): WireChunk[] {
  const chunks: WireChunk[] = [];
  for (const run of packed) {
    let index = run.index;
    let at = 0;
    for (const size of run.sizes) {
      chunks.push({ job: run.job, index, fn: run.fn, star: run.star, each: run.each, ...(run.stream ? { stream: run.stream } : {}), items: run.items.slice(at, at + size) });
      index += size;
      at += size;
    }
  }
  return chunks;
}

export function packOutcomes(outcomes: readonly WireOutcome[]): PackedOutcome[] {
  const packed: PackedOutcome[] = [];
  let run: { job: number; index: number; ms: number; ok: 'run'; sizes: number[]; values: unknown[] } | null = null;
  let end = 0;
  for (const outcome of outcomes) {
    if (outcome.ok !== true) {
      packed.push(outcome);
      run = null;
      continue;
    }
    if (!run || run.job !== outcome.job || end !== outcome.index) {
      run = { job: outcome.job, index: outcome.index, ms: 0, ok: 'run', sizes: [], values: [] };
      packed.push(run);
    }
    run.sizes.push(outcome.values.length);
    run.ms += outcome.ms;
    for (const value of outcome.values) run.values.push(value);
    end = outcome.index + outcome.values.length;
  }
  return packed;
}

export function unpackOutcomes(packed: readonly PackedOutcome[]): WireOutcome[] {
  const outcomes: WireOutcome[] = [];
  for (const entry of packed) {
    if (entry.ok !== 'run') {
      outcomes.push(entry);
      continue;
    }
    const ms = entry.ms / entry.sizes.length;
    let index = entry.index;
    let at = 0;
    for (const size of entry.sizes) {
      outcomes.push({ job: entry.job, index, ms, ok: true, values: entry.values.slice(at, at + size) });
      index += size;
      at += size;
    }
  }
  return outcomes;
}
