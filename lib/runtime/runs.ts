/**
 * Runs: consecutive chunks of one job travel as one record (`PackedChunks`), and their successful outcomes
 * likewise (a `'run'` outcome), items flattened, so a message of 64 one-item chunks serializes a handful of
 * objects instead of a few hundred.
 */
import type { PackedChunks, PackedOutcome, WireChunk, WireOutcome } from './protocol.js';

export function packChunks(chunks: readonly WireChunk[]): PackedChunks[] {
  const packed: PackedChunks[] = [];
  let run: PackedChunks | null = null;
  let end = 0;
  for (const chunk of chunks) {
    if (!run || run.job !== chunk.job || run.fn !== chunk.fn || run.star !== chunk.star || run.perItem !== chunk.perItem || run.stream !== chunk.stream || end !== chunk.index) {
      run = { job: chunk.job, index: chunk.index, fn: chunk.fn, star: chunk.star, perItem: chunk.perItem, ...(chunk.stream ? { stream: chunk.stream } : {}), sizes: [], items: [] };
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
      chunks.push({ job: run.job, index, fn: run.fn, star: run.star, perItem: run.perItem, ...(run.stream ? { stream: run.stream } : {}), items: run.items.slice(at, at + size) });
      index += size;
      at += size;
    }
  }
  return chunks;
}

export function packOutcomes(outcomes: readonly WireOutcome[]): PackedOutcome[] {
  const packed: PackedOutcome[] = [];
  let run: { job: number; index: number; ms: number; kind: 'run'; sizes: number[]; values: unknown[] } | null = null;
  let end = 0;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'values') {
      packed.push(outcome);
      run = null;
      continue;
    }
    if (!run || run.job !== outcome.job || end !== outcome.index) {
      run = { job: outcome.job, index: outcome.index, ms: 0, kind: 'run', sizes: [], values: [] };
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
    if (entry.kind !== 'run') {
      outcomes.push(entry);
      continue;
    }
    const ms = entry.ms / entry.sizes.length;
    let index = entry.index;
    let at = 0;
    for (const size of entry.sizes) {
      outcomes.push({ job: entry.job, index, ms, kind: 'values', values: entry.values.slice(at, at + size) });
      index += size;
      at += size;
    }
  }
  return outcomes;
}
