/**
 * A semaphore in shared memory: word VALUE is its counter, and a small table
 * of (agent, permits held) slots records who holds what, so the permits of a
 * thread or process that dies are given back. Every agent that acquires
 * (a worker thread directly, another process through the broker) counts in
 * the same table.
 */
import { InvalidStateError } from '../errors.js';
import type { CallContext, Served } from './served.js';
import { unknownMethod } from './served.js';
import { allocWords, checkOpen, closeWords, deadlineOf, waitChange } from './words.js';

const VALUE = 1;
/** Holders tracked at once. More concurrent holders than this still work; the extra ones are not given back at death. */
const SLOTS = 32;
const FIRST_SLOT = 2;
const WORDS = FIRST_SLOT + 2 * SLOTS;

export class SemaphoreState implements Served {
  readonly memory: SharedArrayBuffer;
  /** The most it may hold (a BoundedSemaphore's initial value), or null. */
  readonly bound: number | null;
  readonly #words: Int32Array;

  constructor(bound: number | null, initial?: number, memory: SharedArrayBuffer = allocWords(WORDS)) {
    this.memory = memory;
    this.bound = bound;
    this.#words = new Int32Array(memory);
    if (initial !== undefined) Atomics.store(this.#words, VALUE, initial);
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    switch (method) {
      case 'acquire':
        return this.acquire(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'release':
        return this.release(ctx);
      case 'getValue':
        checkOpen(this.#words);
        return Atomics.load(this.#words, VALUE);
      default:
        throw unknownMethod('Semaphore', method);
    }
  }

  async acquire(block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<boolean> {
    const words = this.#words;
    let deadline: number | null | undefined;
    for (;;) {
      checkOpen(words);
      const value = Atomics.load(words, VALUE);
      if (value > 0) {
        if (Atomics.compareExchange(words, VALUE, value, value - 1) !== value) continue;
        this.#count(ctx.agent, 1);
        return true;
      }
      deadline ??= deadlineOf(block, timeout);
      if (!(await waitChange(words, VALUE, 0, deadline, ctx.signal))) return false;
    }
  }

  release(ctx: CallContext): void {
    const words = this.#words;
    checkOpen(words);
    for (;;) {
      const value = Atomics.load(words, VALUE);
      if (this.bound !== null && value >= this.bound) {
        throw new InvalidStateError(`release() called more times than acquire() on a BoundedSemaphore(${this.bound})`);
      }
      if (Atomics.compareExchange(words, VALUE, value, value + 1) === value) break;
    }
    this.#count(ctx.agent, -1);
    Atomics.notify(words, VALUE);
  }

  /** Adds `delta` to the permits `agent` holds, claiming a free slot on its first permit. */
  #count(agent: number, delta: number): void {
    const words = this.#words;
    let free = -1;
    for (let slot = FIRST_SLOT; slot < WORDS; slot += 2) {
      const holder = Atomics.load(words, slot);
      if (holder === agent) {
        // A release by an agent that holds nothing (any agent may release) leaves the count at zero.
        if (delta > 0 || Atomics.load(words, slot + 1) > 0) Atomics.add(words, slot + 1, delta);
        return;
      }
      if (holder === 0 && free < 0) free = slot;
    }
    if (delta < 0) return;
    for (let slot = free; slot >= 0 && slot < WORDS; slot += 2) {
      if (Atomics.compareExchange(words, slot, 0, agent) === 0) {
        Atomics.add(words, slot + 1, delta);
        return;
      }
    }
  }

  agentGone(agent: number): void {
    const words = this.#words;
    for (let slot = FIRST_SLOT; slot < WORDS; slot += 2) {
      if (Atomics.load(words, slot) !== agent) continue;
      const held = Atomics.exchange(words, slot + 1, 0);
      Atomics.store(words, slot, 0);
      if (held > 0) {
        Atomics.add(words, VALUE, held);
        Atomics.notify(words, VALUE);
      }
    }
  }

  close(): void {
    closeWords(this.#words, [VALUE]);
  }
}
