/**
 * What the engine knows about how long chunks take: a moving average of the
 * run time per item of each task function, measured in the workers. It
 * decides the one place where dispatch may deviate from Python's shared queue:
 * a chunk known to be tiny may wait behind another on a busy worker (saving a
 * round trip per chunk), because a wait of well under a millisecond cannot
 * change what a user sees. A chunk not measured yet is never tiny.
 */
import type { Chunk } from '../runtime/backend.js';

/**
 * A chunk expected to run for less than this (ms) counts as tiny. Well under a millisecond: the order of
 * such chunks cannot be told apart from outside, while a round trip per chunk (tens of µs) would double
 * their cost.
 */
export const TINY_CHUNK_MS = 0.25;

/** Aim for about this much queued work per worker when chunks are tiny, so they travel in batches. */
const TARGET_QUEUED_MS = 4;

/** Weight of the newest measurement in the moving average. */
const NEWEST_WEIGHT = 0.2;

export class ChunkCosts {
  /** Moving average of one item's run time, by task function. */
  readonly #itemMs = new WeakMap<Chunk['fn'], number>();

  /** Records that `chunk` ran for `ms` in its worker. */
  observe(chunk: Chunk, ms: number): void {
    const perItem = ms / Math.max(1, chunk.items.length);
    const before = this.#itemMs.get(chunk.fn);
    this.#itemMs.set(chunk.fn, before === undefined ? perItem : before * (1 - NEWEST_WEIGHT) + perItem * NEWEST_WEIGHT);
  }

  /** The expected run time of `chunk` in ms, or undefined before its function was ever measured. */
  expectedMs(chunk: Chunk): number | undefined {
    const perItem = this.#itemMs.get(chunk.fn);
    return perItem === undefined ? undefined : perItem * chunk.items.length;
  }

  /** True when `chunk` may wait behind others: measured, tiny, and not one that must run alone. */
  isTiny(chunk: Chunk): boolean {
    if (chunk.exclusive) return false;
    const ms = this.expectedMs(chunk);
    return ms !== undefined && ms < TINY_CHUNK_MS;
  }

  /** How many tiny chunks one worker should hold at once when `count` of them take `totalMs`, between `min` and `max`. */
  window(totalMs: number, count: number, min: number, max: number): number {
    const each = Math.max(totalMs / Math.max(1, count), 0.001);
    return Math.max(min, Math.min(max, Math.ceil(TARGET_QUEUED_MS / each)));
  }
}
