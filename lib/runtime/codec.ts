/**
 * Encoding and decoding at the edge of a channel. Consecutive chunks of one
 * job are packed into one record (and their results likewise) so a message of
 * 64 one-item chunks serializes a handful of objects instead of a few hundred;
 * what a worker sends is unpacked and rebuilt here (errors become their own
 * classes again), so the engine only ever sees chunks and rebuilt outcomes.
 */
import type { Chunk, ChunkOutcome, ChunkResult, WorkerMessage } from './backend.js';
import { encodeHandles, reviveHandlesNow } from './handles.js';
import type { Crossing, FnDef, FromWorker, PackedChunks, PackedOutcome, ToWorker, WireChunk, WireOutcome } from './protocol.js';
import { assertNever } from './protocol.js';
import { cloneFailure, encodingFailure, rebuildThrown } from './transport.js';
import { findLostClass, foundShareable, lostClassMessage, restoreBuffers } from './values.js';

type BatchMessage = Extract<ToWorker, { t: 'batch' }>;

/**
 * The message that carries `chunks` to one worker: packed chunks, plus the
 * definitions of functions this worker has not been sent yet (`known` ids).
 * Returns the new definitions too, to be marked known once the send succeeded.
 */
export function batchMessage(chunks: readonly Chunk[], defOf: (fn: Chunk['fn']) => FnDef, known: ReadonlySet<number>): { message: BatchMessage; fns: FnDef[] } {
  const fns: FnDef[] = [];
  const wire = chunks.map((chunk): WireChunk => {
    const def = defOf(chunk.fn);
    if (!known.has(def.id) && !fns.includes(def)) fns.push(def);
    const { job, index, items, star, perItem, stream } = chunk;
    return { job, index, fn: def.id, items, star, perItem, ...(stream ? { stream } : {}) };
  });
  return { message: { t: 'batch', fns, chunks: packChunks(wire) }, fns };
}

/**
 * Refuses values bound for another thread or process when one holds a class
 * instance, which would arrive as a plain object: throws a TypeError. For a
 * batch the task handler then names the argument and fails only its chunk.
 * Buffers found are pushed onto `buffers` when it is given. Returns true when the values hold shared
 * primitives, which cross as handles (see {@link encodeHandles}).
 */
export function refuseLostClass(values: readonly unknown[], buffers: Buffer[] | null = null): boolean {
  const found = findLostClass(values, buffers);
  if (found !== null) throw new TypeError(`Cannot send a value to another thread or process: ${lostClassMessage(undefined, found)}`);
  return foundShareable();
}

/**
 * A batch ready to cross: {@link refuseLostClass} for every argument, the Buffers listed for a MessagePort,
 * and shared primitives replaced by handles (only the runs that hold one are copied).
 */
export function crossingBatch(message: BatchMessage, crossing: Crossing): BatchMessage {
  if (crossing === 'reference') return message;
  const buffers = crossing === 'clone' ? [] : null;
  let chunks = message.chunks;
  for (const [i, run] of message.chunks.entries()) {
    if (!refuseLostClass(run.items, buffers)) continue;
    if (chunks === message.chunks) chunks = [...chunks];
    chunks[i] = { ...run, items: encodeHandles(run.items, crossing) };
  }
  const handles = chunks === message.chunks ? {} : { chunks, handles: true as const };
  return buffers && buffers.length > 0 ? { ...message, buffers, ...handles } : { ...message, ...handles };
}

/** Streamed items ready to cross; throws at a class instance, as {@link refuseLostClass}. */
export function itemsMessage(job: number, index: number, values: unknown[], crossing: Crossing): FromWorker {
  if (crossing === 'reference') return { t: 'items', job, index, values };
  const buffers = crossing === 'clone' ? [] : null;
  const shared = refuseLostClass(values, buffers);
  return {
    t: 'items',
    job,
    index,
    values: shared ? encodeHandles(values, crossing) : values,
    ...(buffers && buffers.length > 0 ? { buffers } : {}),
    ...(shared ? { handles: true as const } : {}),
  };
}

/**
 * The message that carries outcomes back. Crossing to another thread or
 * process, an outcome whose values hold a class instance fails as a
 * MaybeEncodingError instead of arriving as a plain object, and the Buffers
 * are listed for a MessagePort.
 */
export function resultsMessage(outcomes: readonly WireOutcome[], crossing: Crossing): FromWorker {
  if (crossing === 'reference') return { t: 'results', results: packOutcomes(outcomes) };
  let buffers: Buffer[] | null = crossing === 'clone' ? [] : null;
  let sendable = outcomes;
  let scan = scanOutcomes(outcomes, buffers);
  if (scan.lost) {
    sendable = outcomes.map(encodable);
    buffers = buffers && [];
    scan = scanOutcomes(sendable, buffers);
  }
  if (scan.shared) sendable = sendable.map((outcome) => (outcome.kind === 'error' ? outcome : { ...outcome, values: encodeHandles(outcome.values, crossing) }));
  return { t: 'results', results: packOutcomes(sendable), ...(buffers && buffers.length > 0 ? { buffers } : {}), ...(scan.shared ? { handles: true as const } : {}) };
}

/**
 * Whether a value of an outcome holds a class instance (`lost`) or a shared primitive (`shared`); Buffers
 * anywhere go onto `buffers`.
 */
function scanOutcomes(outcomes: readonly WireOutcome[], buffers: Buffer[] | null): { lost: boolean; shared: boolean } {
  let lost = false;
  let shared = false;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'error') {
      lost = findLostClass(outcome.values, buffers) !== null || lost;
      shared = foundShareable() || shared;
    }
    // What a task threw may hold class instances (it travels as a plain object); only its Buffers matter.
    else if (buffers) findLostClass('error' in outcome ? Object.values(outcome.error.props) : [outcome.raw], buffers);
  }
  return { lost, shared };
}

/** A worker's message as the engine sees it: outcomes unpacked and rebuilt. Fails loudly on an unknown tag. */
export function decodeMessage(message: FromWorker): WorkerMessage {
  switch (message.t) {
    case 'results':
      restoreBuffers(message.buffers);
      if (message.handles) reviveHandlesNow(message.results);
      return { t: 'results', results: unpackOutcomes(message.results).map(rebuildResult) };
    case 'items':
      restoreBuffers(message.buffers);
      if (message.handles) reviveHandlesNow(message.values);
      return { t: 'items', job: message.job, index: message.index, values: message.values };
    case 'init-error':
      return { t: 'init-error', error: rebuildThrown(message.error) };
    default:
      // Unreachable for the types, but the message came from another thread or process.
      return assertNever(message, 'engine');
  }
}

function rebuildResult(outcome: WireOutcome): ChunkResult {
  const { job, index, ms } = outcome;
  return { job, index, ms, outcome: rebuildOutcome(outcome) };
}

function rebuildOutcome(outcome: WireOutcome): ChunkOutcome {
  switch (outcome.kind) {
    case 'values':
      return { kind: 'values', values: outcome.values };
    case 'error':
      return { kind: 'error', error: rebuildThrown(outcome) };
    case 'items':
      return { kind: 'items', values: outcome.values, errors: new Map(outcome.errors.map(([i, thrown]) => [i, rebuildThrown(thrown)])) };
  }
}

function packChunks(chunks: readonly WireChunk[]): PackedChunks[] {
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

function unpackOutcomes(packed: readonly PackedOutcome[]): WireOutcome[] {
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

/** `outcome` with every value that would not clone replaced by its encoding failure (a MaybeEncodingError on the main side). */
export function encodable(outcome: WireOutcome): WireOutcome {
  if (outcome.kind === 'error') return outcome; // flattenThrown only keeps what clones
  if (outcome.kind === 'values') {
    for (const value of outcome.values) {
      const failure = cloneFailure(value);
      if (failure !== null) {
        const { values: _dropped, ...rest } = outcome;
        return { ...rest, kind: 'error', ...encodingFailure(value, failure) };
      }
    }
    return outcome;
  }
  const values = [...outcome.values];
  const errors = [...outcome.errors];
  values.forEach((value, i) => {
    const failure = cloneFailure(value);
    if (failure === null) return;
    values[i] = undefined;
    errors.push([i, encodingFailure(value, failure)]);
  });
  return { ...outcome, values, errors };
}
