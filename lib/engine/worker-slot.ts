/**
 * One worker as the engine sees it: the chunks it holds, oldest first (a worker answers in order), the running
 * sums over them, and the few questions asked of a set of workers ("who holds this chunk?").
 */
import type { Chunk, WorkerHandle } from '../runtime/backend.js';
import type { ChunkCosts } from './chunk-costs.js';
import type { HeldCalls } from './held-calls.js';
import { SlotLoad } from './slot-load.js';

export interface WorkerSlot {
  readonly id: number;
  readonly handle: WorkerHandle;
  /** Chunks sent and not yet answered, oldest first (a worker answers in order). */
  readonly inFlight: Chunk[];
  /** The sums over `inFlight` that decide how much more it may take. */
  readonly load: SlotLoad;
  /** Chunks ever sent to this worker, for `maxTasksPerChild`. */
  sent: number;
  /** When it last answered, on the engine's own clock (a count of answers): the most recent is the warmest. */
  answered: number;
  /** Listening on its channel (booted). */
  ready: boolean;
  alive: boolean;
  /** Set when the engine stopped this worker on purpose, to end the chunk it names with `error`. */
  killed?: { readonly job: number; readonly index: number; readonly error: unknown };
  /** A worker thread's held calls, with their claim words (see runtime/claims.ts). */
  readonly claims?: HeldCalls;
}

/** A slot for a worker about to be spawned; its handle is set once the backend returns it. */
export function openSlot(id: number): WorkerSlot {
  return { id, handle: undefined as unknown as WorkerHandle, inFlight: [], load: new SlotLoad(), sent: 0, answered: 0, ready: false, alive: true };
}

/** The worker that holds chunk (`job`, `index`), if one does. */
export function holding(slots: Iterable<WorkerSlot>, job: number, index: number): WorkerSlot | undefined {
  for (const slot of slots) if (slot.inFlight.some((chunk) => chunk.job === job && chunk.index === index)) return slot;
  return undefined;
}

/** The held calls of the worker that holds `chunk` with a claim word, if one does. */
export function heldBy(slots: Iterable<WorkerSlot>, chunk: Chunk): HeldCalls | undefined {
  for (const slot of slots) if (slot.claims?.has(chunk)) return slot.claims;
  return undefined;
}

/** Posts `chunks` to `slot` in one message and records them there; throws (recording nothing) when a value cannot be cloned. */
export function postTo(slot: WorkerSlot, chunks: Chunk[], costs: ChunkCosts): void {
  const words = slot.claims?.take(chunks);
  try {
    slot.handle.post(chunks, words);
  } catch (error) {
    if (words) slot.claims?.unsent(words);
    throw error;
  }
  if (words) slot.claims?.sent(words);
  for (const chunk of chunks) {
    slot.inFlight.push(chunk);
    slot.load.add(chunk, costs);
  }
  slot.sent += chunks.length;
}
