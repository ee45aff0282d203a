/**
 * The window: how many chunks one worker may hold at once. One while its chunks are not known to be tiny (as
 * Python's shared queue hands out one task at a time); for tiny ones, about `TARGET_QUEUED_MS` of work, so a
 * worker never waits for a round trip between two chunks, within the bounds below, and for an executor within
 * the queue all its workers share (`slotRoom`).
 */
import type { ChunkCosts } from './chunk-costs.js';
import type { SlotLoad } from './slot-load.js';
import type { WorkerSlot } from './worker-slot.js';

/**
 * The least a worker may hold once its chunks are known to be tiny: one running and one queued behind it,
 * so it never waits for a round trip between two chunks. Chunks not known to be tiny go one at a time.
 */
const MIN_WINDOW = 2;

/**
 * Beyond `MIN_WINDOW` chunks, a worker takes no more once those it holds carry this many items. A chunk's
 * measured time is its run in the worker; its items must also cross the channel both ways, which for large
 * chunks costs far more than running them (12,500 numbers: about 0.05 ms to square in a child process, about
 * 1 ms to send there and back). Without this bound, the 7 remaining chunks of a `Pool(2).map` over 100,000
 * numbers went to one worker in one message while the other sat idle after its first.
 */
const MAX_QUEUED_ITEMS = 4096;

/**
 * A pool's bound on tiny chunks queued at one worker: enough for a few ms of work per message. More would
 * only grow what a dead worker takes with it.
 */
export const POOL_MAX_WINDOW = 64;

/** CPython's `EXTRA_QUEUED_CALLS`: its process executor's call queue holds `max_workers + 1` calls. */
const EXTRA_QUEUED_CALLS = 1;

/**
 * An executor's bound on tiny calls queued behind running ones, all workers together: CPython's process
 * executor marks a call running once it enters its call queue, which holds `max_workers + 1`, and each of
 * its `max_workers` workers runs one more. A future here counts as running once a worker holds it, so at
 * most as many are past `cancel()` as in Python: `2 × maxWorkers + 1`.
 */
export function executorMaxQueued(maxWorkers: number): number {
  return maxWorkers + EXTRA_QUEUED_CALLS;
}

/**
 * How many more chunks a worker that holds `held` (`count` chunks) may take on top of `batch`, with at most
 * `maxWindow` at once: one when it holds nothing; beyond that only while every chunk involved is tiny.
 */
export function windowRoom(count: number, held: SlotLoad, batch: SlotLoad | null, costs: ChunkCosts, maxWindow: number): number {
  const total = count + (batch?.count ?? 0);
  if (total === 0) return 1;
  const heldMs = held.tinyMs;
  const batchMs = batch ? batch.tinyMs : 0;
  if (heldMs === null || batchMs === null) return 0;
  if (total >= MIN_WINDOW && held.items + (batch?.items ?? 0) >= MAX_QUEUED_ITEMS) return 0;
  return costs.window(heldMs + batchMs, total, MIN_WINDOW, maxWindow) - total;
}

/** The bounds on what one worker holds, as an engine was given them. */
export interface HoldBounds {
  /** Upper bound on chunks at one worker. */
  readonly maxWindow: number;
  /**
   * Upper bound on chunks queued behind another at their worker, all workers together (a worker's first
   * chunk never counts, nor calls a thread holds pending, see claims.ts): an executor's, so that `cancel()`
   * means what it means in Python. None for pools.
   */
  readonly maxQueued?: number | undefined;
  /** Chunks a worker is sent before it is replaced (Python's `maxtasksperchild`). */
  readonly maxTasksPerChild: number | undefined;
}

/**
 * How many more chunks `slot` may take on top of what it holds and `batch` (the load of chunks about to go to
 * it), below 0 when it already holds more than `batch` may join: one when it holds nothing; beyond that only
 * while every chunk involved is tiny, up to the window, and, within `maxQueued`, while the queue its workers
 * share (`queued` chunks now, see {@link queuedAt}) has room. Both loads are running sums: this runs for every
 * chunk dispatched.
 */
export function slotRoom(slot: WorkerSlot, batch: SlotLoad | null, costs: ChunkCosts, bounds: HoldBounds, queued: number): number {
  if (!slot.alive || !slot.ready) return -1;
  const pending = stayPending(slot, batch);
  const { maxWindow, maxQueued, maxTasksPerChild } = bounds;
  let room = windowRoom(slot.inFlight.length, slot.load, batch, costs, pending ? POOL_MAX_WINDOW : maxWindow);
  if (maxQueued !== undefined && !pending) room = Math.min(room, queueRoom(slot, batch, maxQueued, queued));
  if (maxTasksPerChild !== undefined) room = Math.min(room, maxTasksPerChild - slot.sent - (batch?.count ?? 0));
  return room;
}

/**
 * How many more chunks `slot` may hold on top of `batch` within `maxQueued`: its first chunk always (an idle
 * worker never waits for the queue), each one after that only while the queue shared by all workers has room.
 */
function queueRoom(slot: WorkerSlot, batch: SlotLoad | null, maxQueued: number, queued: number): number {
  const elsewhere = queued - queuedAt(slot);
  return Math.max(0, maxQueued - elsewhere) + 1 - slot.inFlight.length - (batch?.count ?? 0);
}

/**
 * Chunks waiting past `cancel()` behind another at `slot`: all it holds but the one it runs first, except the
 * calls a worker thread holds with claim words, which stay pending (claims.ts).
 */
export function queuedAt(slot: WorkerSlot): number {
  const held = slot.inFlight.length;
  if (held <= 1) return 0;
  if (slot.claims === undefined) return held - 1;
  return slot.load.notHoldable - (slot.inFlight[0]?.holdable === true ? 0 : 1);
}

/**
 * True when every chunk at `slot`, `batch` included, stays pending while it waits there (a `submit` on a worker
 * thread, see claims.ts): those may fill the pool's window, and no queue bound applies to them.
 */
export function stayPending(slot: WorkerSlot, batch: SlotLoad | null): boolean {
  return slot.claims !== undefined && slot.load.allHoldable && (batch === null || batch.allHoldable);
}
