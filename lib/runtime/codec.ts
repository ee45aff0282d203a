/**
 * Encoding and decoding at the edge of a channel. Consecutive chunks of one
 * job are packed into one record (and their results likewise) so a message of
 * 64 one-item chunks serializes a handful of objects instead of a few hundred;
 * what a worker sends is unpacked and rebuilt here (errors become their own
 * classes again), so the engine only ever sees chunks and rebuilt outcomes.
 */
import type { Chunk, ChunkOutcome, ChunkResult, WorkerMessage } from './backend.js';
import { encodeHandles, reviveHandlesNow } from './handles.js';
import type { Movable } from './move.js';
import { movesPending } from './move.js';
import type { CallTuple, Crossing, FnDef, FromWorker, ToWorker, ValueTuple, WireChunk, WireOutcome } from './protocol.js';
import { assertNever, CALL_FIELDS, isTuple, VALUE_FIELDS } from './protocol.js';
import { packChunks, packNumberOutcomes, packOutcomes, unpackChunks, unpackOutcomes } from './runs.js';
import { cloneFailure, encodingFailure, rebuildThrown } from './transport.js';
import { findRefused, Gather, refusalMessage, restoreBuffers } from './values.js';

export { packOutcomes, unpackChunks } from './runs.js';

type BatchMessage = Extract<ToWorker, { t: 'batch' }>;

/** The bits of a `CallTuple`'s flags. */
const STAR = 1;
const PER_ITEM = 2;

/** A `CallTuple`'s claim for a chunk without a claim word. */
const NO_CLAIM = -1;

/**
 * The message that carries `chunks` to one worker: packed chunks, plus the
 * definitions of functions this worker has not been sent yet (`known` ids).
 * Returns the new definitions too, to be marked known once the send succeeded.
 * `crossing` is where the message goes: runs of numbers cross to another
 * thread or process as Float64Arrays (see runs.ts).
 */
export function batchMessage(
  chunks: readonly Chunk[],
  defOf: (fn: Chunk['fn']) => FnDef,
  known: ReadonlySet<number>,
  crossing: Crossing = 'reference',
  claims?: ReadonlyMap<Chunk, number>,
): { message: BatchMessage; fns: FnDef[] } {
  const fns: FnDef[] = [];
  const wire = chunks.map((chunk): WireChunk => {
    const def = defOf(chunk.fn);
    if (!known.has(def.id) && !fns.includes(def)) fns.push(def);
    const { job, index, items, star, perItem, stream } = chunk;
    const claim = claims?.get(chunk);
    return { job, index, fn: def.id, items, star, perItem, ...(stream ? { stream } : {}), ...(claim === undefined ? {} : { claim }) };
  });
  return { message: { t: 'batch', fns, chunks: packChunks(wire, crossing !== 'reference') }, fns };
}

/**
 * The message that carries `chunks` to a worker in another thread or process as a `CallTuple`, built
 * straight from them, when each is a one-item call of a function that worker knows and nothing in the calls
 * needs more than the tuple (no Buffer to list, no shared primitive to encode); else null, and the batch
 * goes the general way ({@link batchMessage}, then {@link crossingBatch}) as records. Consecutive one-item
 * chunks of one job (an `imap` with chunksize 1) pack into one run there. Throws as {@link refuseUnsendable}
 * for a value that cannot go.
 */
export function callTuple(
  chunks: readonly Chunk[],
  defOf: (fn: Chunk['fn']) => FnDef,
  known: ReadonlySet<number>,
  crossing: Crossing,
  claims?: ReadonlyMap<Chunk, number>,
): Outgoing<ToWorker> | null {
  if (crossing === 'reference') return null;
  const tuple: unknown[] = ['call'];
  let before: Chunk | null = null;
  for (const chunk of chunks) {
    if (chunk.items.length !== 1 || chunk.stream !== undefined) return null;
    if (before !== null && before.job === chunk.job && before.index + 1 === chunk.index) return null;
    const { id } = defOf(chunk.fn);
    if (!known.has(id)) return null;
    tuple.push(chunk.job, chunk.index, id, (chunk.star ? STAR : 0) | (chunk.perItem ? PER_ITEM : 0), chunk.items[0], claims?.get(chunk) ?? NO_CLAIM);
    before = chunk;
  }
  const gather = new Gather(crossing);
  for (const chunk of chunks) refuseUnsendable(chunk.items, gather);
  if (gather.handles || gather.buffers) return null;
  return { message: tuple as unknown as CallTuple, moved: gather.moved };
}

/**
 * A message ready to post, with the values marked by `move()` inside it: a
 * MessagePort transfers them, and the sender consumes their marks
 * (`releaseMoves`) once the message is sent.
 */
export interface Outgoing<M> {
  readonly message: M;
  readonly moved: Movable[] | null;
}

/**
 * Refuses values bound for another thread or process when one holds a class
 * instance, which would arrive as a plain object, or something that cannot
 * go there at all (see `findRefused`): throws a TypeError. For a batch the
 * task handler then names the argument and fails only its chunk. What the
 * channel needs is gathered into `gather`, which also notes shared primitives
 * (they cross as handles, see {@link encodeHandles}).
 */
export function refuseUnsendable(values: readonly unknown[], gather: Gather): void {
  const found = findRefused(values, gather);
  if (found !== null) throw new TypeError(`Cannot send a value to another thread or process: ${refusalMessage(undefined, found, gather.crossing)}`);
}

/**
 * A batch ready to cross: {@link refuseUnsendable} for every argument, the Buffers listed for a MessagePort,
 * and shared primitives replaced by handles (only the runs that hold one are copied). Values passed by
 * reference are walked only while some `move()` mark waits, to consume it.
 */
export function crossingBatch(message: BatchMessage, crossing: Crossing): Outgoing<ToWorker> {
  if (crossing === 'reference' && !movesPending()) return { message, moved: null };
  const gather = new Gather(crossing);
  let chunks = message.chunks;
  for (const [i, run] of message.chunks.entries()) {
    // A run of numbers holds nothing to refuse, move, list or encode.
    if (!Array.isArray(run.items)) continue;
    refuseUnsendable(run.items, gather);
    if (!gather.takeHandles() || crossing === 'reference') continue;
    if (chunks === message.chunks) chunks = [...chunks];
    chunks[i] = { ...run, items: encodeHandles(run.items, crossing) };
  }
  if (!gather.buffers && chunks === message.chunks) return { message, moved: gather.moved };
  const extra = { ...(gather.buffers ? { buffers: gather.buffers } : {}), ...(chunks === message.chunks ? {} : { chunks, handles: true as const }) };
  return { message: { ...message, ...extra }, moved: gather.moved };
}

/** What a batch carries, as the worker loop takes it: new definitions, and the chunks with their Buffers restored. */
export function openBatch(message: BatchMessage | CallTuple): { fns: readonly FnDef[]; chunks: WireChunk[] } {
  if (isTuple(message)) {
    // Unreachable for the types, but the message came from another thread or process.
    if ((message[0] as unknown) !== 'call' || (message.length - 1) % CALL_FIELDS !== 0) return assertNever(message as never, 'worker');
    const chunks: WireChunk[] = [];
    for (let at = 1; at < message.length; at += CALL_FIELDS) {
      const flags = message[at + 3] as number;
      const claim = message[at + 5] as number;
      const chunk: WireChunk = { job: message[at] as number, index: message[at + 1] as number, fn: message[at + 2] as number, star: (flags & STAR) !== 0, perItem: (flags & PER_ITEM) !== 0, items: [message[at + 4]] };
      chunks.push(claim === NO_CLAIM ? chunk : { ...chunk, claim });
    }
    return { fns: [], chunks };
  }
  restoreBuffers(message.buffers);
  return { fns: message.fns, chunks: unpackChunks(message.chunks) };
}

/** Streamed items ready to cross; throws as {@link refuseUnsendable}. */
export function itemsMessage(job: number, index: number, values: unknown[], crossing: Crossing): Outgoing<FromWorker> {
  if (crossing === 'reference' && !movesPending()) return { message: { t: 'items', job, index, values }, moved: null };
  const gather = new Gather(crossing);
  refuseUnsendable(values, gather);
  const encoded = gather.handles && crossing !== 'reference' ? encodeHandles(values, crossing) : null;
  const extra = { ...(gather.buffers ? { buffers: gather.buffers } : {}), ...(encoded ? { handles: true as const } : {}) };
  return { message: { t: 'items', job, index, values: encoded ?? values, ...extra }, moved: gather.moved };
}

/**
 * The message that carries outcomes back. Crossing to another thread or
 * process, an outcome whose values hold a class instance (or what cannot go
 * there) fails as a MaybeEncodingError instead of arriving as a plain
 * object, and the Buffers are listed for a MessagePort.
 */
export function resultsMessage(outcomes: readonly WireOutcome[], crossing: Crossing): Outgoing<FromWorker> {
  if (crossing === 'reference' && !movesPending()) return { message: { t: 'results', results: packOutcomes(outcomes) }, moved: null };
  // Runs of numbers alone need no walk; one pass packs them (a worker's first chunks run it cold).
  const numbers = crossing === 'reference' ? null : packNumberOutcomes(outcomes);
  if (numbers !== null) return { message: { t: 'results', results: numbers }, moved: null };
  let gather = new Gather(crossing);
  let sendable = outcomes;
  if (scanOutcomes(outcomes, gather)) {
    sendable = outcomes.map((outcome) => encodable(outcome, crossing));
    gather = new Gather(crossing);
    scanOutcomes(sendable, gather);
  }
  const handles = gather.handles && crossing !== 'reference';
  // A block of numbers holds no handle: only arrays are encoded.
  if (handles) sendable = sendable.map((outcome) => (outcome.kind === 'error' || !Array.isArray(outcome.values) ? outcome : { ...outcome, values: encodeHandles(outcome.values, crossing) }));
  const tuple = gather.buffers || handles ? null : valueTuple(sendable);
  if (tuple) return { message: tuple, moved: gather.moved };
  const extra = { ...(gather.buffers ? { buffers: gather.buffers } : {}), ...(handles ? { handles: true as const } : {}) };
  return { message: { t: 'results', results: packOutcomes(sendable, crossing !== 'reference'), ...extra }, moved: gather.moved };
}

/**
 * `outcomes` as a `ValueTuple` when each holds one value and no two are consecutive chunks of one job (those
 * pack into one run, see runs.ts); else null.
 */
function valueTuple(outcomes: readonly WireOutcome[]): ValueTuple | null {
  const tuple: unknown[] = ['value'];
  let previous: WireOutcome | undefined;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'values' || outcome.values.length !== 1) return null;
    if (previous && previous.job === outcome.job && previous.index + 1 === outcome.index) return null;
    tuple.push(outcome.job, outcome.index, outcome.ms, outcome.values[0]);
    previous = outcome;
  }
  return tuple.length > 1 ? (tuple as unknown as ValueTuple) : null;
}

/** True when a value of an outcome is refused; what the channel needs (and whether values hold shared primitives) goes into `gather`. */
function scanOutcomes(outcomes: readonly WireOutcome[], gather: Gather): boolean {
  let lost = false;
  for (const outcome of outcomes) {
    // A block of numbers holds nothing to refuse, move or list.
    if (outcome.kind !== 'error') lost = (Array.isArray(outcome.values) && findRefused(outcome.values, gather) !== null) || lost;
    // What a task threw may hold class instances (it travels as a plain object); only its Buffers matter.
    else if (gather.crossing === 'clone') {
      const handles = gather.handles;
      findRefused('error' in outcome ? Object.values(outcome.error.props) : [outcome.raw], gather);
      gather.handles = handles;
    }
  }
  return lost;
}

/** A worker's message as the engine sees it: outcomes unpacked and rebuilt. Fails loudly on an unknown tag. */
export function decodeMessage(message: FromWorker): WorkerMessage {
  if (isTuple(message)) {
    // Unreachable for the types, but the message came from another thread or process.
    if ((message[0] as unknown) !== 'value' || (message.length - 1) % VALUE_FIELDS !== 0) return assertNever(message as never, 'engine');
    const results: ChunkResult[] = [];
    for (let at = 1; at < message.length; at += VALUE_FIELDS) {
      results.push({ job: message[at] as number, index: message[at + 1] as number, ms: message[at + 2] as number, outcome: { kind: 'values', values: [message[at + 3]] } });
    }
    return { t: 'results', results };
  }
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

/**
 * `outcome` with every value that would not cross `crossing` replaced by its encoding failure (a
 * MaybeEncodingError on the main side).
 */
export function encodable(outcome: WireOutcome, crossing: Crossing): WireOutcome {
  const to = crossing === 'v8' ? 'process' : 'thread';
  if (outcome.kind === 'error') return outcome; // flattenThrown only keeps what clones
  if (outcome.kind === 'values') {
    for (const value of outcome.values) {
      const failure = cloneFailure(value, to);
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
    const failure = cloneFailure(value, to);
    if (failure === null) return;
    values[i] = undefined;
    errors.push([i, encodingFailure(value, failure)]);
  });
  return { ...outcome, values, errors };
}
