/**
 * A semaphore in shared memory: word VALUE is its counter. What a caller from
 * another process acquired is also counted per caller here, in the owner, so
 * it is given back when that process dies.
 */
import { InvalidStateError } from '../errors.js';
import type { CallContext, Served } from './served.js';
import { unknownMethod } from './served.js';
import { allocWords, checkOpen, closeWords, deadlineOf, waitChange } from './words.js';

const VALUE = 1;
const WORDS = 2;

export class SemaphoreState implements Served {
  readonly memory: SharedArrayBuffer;
  /** The most it may hold (a BoundedSemaphore's initial value), or null. */
  readonly bound: number | null;
  readonly #words: Int32Array;
  readonly #heldBy = new Map<number, number>();

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
        if (ctx.signal) this.#heldBy.set(ctx.agent, (this.#heldBy.get(ctx.agent) ?? 0) + 1);
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
    const held = this.#heldBy.get(ctx.agent);
    if (held !== undefined) {
      if (held > 1) this.#heldBy.set(ctx.agent, held - 1);
      else this.#heldBy.delete(ctx.agent);
    }
    Atomics.notify(words, VALUE);
  }

  agentGone(agent: number): void {
    const held = this.#heldBy.get(agent);
    if (held === undefined) return;
    this.#heldBy.delete(agent);
    Atomics.add(this.#words, VALUE, held);
    Atomics.notify(this.#words, VALUE);
  }

  close(): void {
    closeWords(this.#words, [VALUE]);
  }
}
