/**
 * What one worker holds (or a batch about to go to it), summed as chunks are added and answered: the task
 * handler asks how much room a worker has for every chunk it dispatches, and walking the worker's chunks and
 * the batch each time made that ask grow with the window (a fifth of the main thread's time in an `imap` of
 * one-item chunks).
 */
import type { Chunk } from '../runtime/backend.js';
import type { ChunkCosts } from './chunk-costs.js';
import { TINY_CHUNK_MS } from './chunk-costs.js';

/** Recorded for a chunk that was not tiny when it was sent. */
const NOT_TINY = -1;

export class SlotLoad {
  /**
   * Expected run time (ms) of each held chunk as it was when sent, or NOT_TINY; null for a batch's load,
   * whose chunks are never removed. A WeakMap, not a Map: an entry comes and goes with every chunk, and a
   * Map's replaced tables keep each chunk's objects alive into the old generation (see internal/int-map.ts).
   */
  readonly #recorded: WeakMap<Chunk, number> | null;
  #count = 0;
  #tinyMs = 0;
  #items = 0;
  #notTiny = 0;
  #notHoldable = 0;

  /** `removable`: false for a batch about to be sent, whose chunks are only added. */
  constructor(removable = true) {
    this.#recorded = removable ? new WeakMap() : null;
  }

  /** How many chunks are held. */
  get count(): number {
    return this.#count;
  }

  /** How many items the held chunks carry. */
  get items(): number {
    return this.#items;
  }

  /** The expected run time of the held chunks (ms) when every one was tiny when sent; null otherwise. */
  get tinyMs(): number | null {
    return this.#notTiny > 0 ? null : this.#tinyMs;
  }

  /** True when every held chunk is one that stays cancellable while held (see claims.ts). */
  get allHoldable(): boolean {
    return this.#notHoldable === 0;
  }

  /** How many held chunks are not ones that stay cancellable while held. */
  get notHoldable(): number {
    return this.#notHoldable;
  }

  /** `chunk` was sent to this worker (or joined the batch). */
  add(chunk: Chunk, costs: ChunkCosts): void {
    const ms = costs.isTiny(chunk) ? (costs.expectedMs(chunk) ?? TINY_CHUNK_MS) : NOT_TINY;
    this.#recorded?.set(chunk, ms);
    this.#count++;
    this.#items += chunk.items.length;
    if (ms === NOT_TINY) this.#notTiny++;
    else this.#tinyMs += ms;
    if (!chunk.holdable) this.#notHoldable++;
  }

  /** This worker answered `chunk` (or gave it back). */
  remove(chunk: Chunk): void {
    const ms = this.#recorded?.get(chunk);
    if (ms === undefined) return;
    this.#recorded?.delete(chunk);
    this.#count--;
    this.#items -= chunk.items.length;
    if (ms === NOT_TINY) this.#notTiny--;
    else this.#tinyMs -= ms;
    if (!chunk.holdable) this.#notHoldable--;
    // Sums of fractions drift: an empty worker holds exactly nothing.
    if (this.#count === 0) this.#tinyMs = 0;
  }
}
