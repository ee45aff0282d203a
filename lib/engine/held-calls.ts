/**
 * The calls one worker thread holds without having started them, each with its claim word (see
 * runtime/claims.ts): which word each has, and when a word may be reused.
 */
import type { Chunk } from '../runtime/backend.js';
import { ClaimBoard } from '../runtime/claims.js';

export class HeldCalls {
  readonly #board: ClaimBoard;
  /** Claim words by held chunk (a WeakMap: see the note on SlotLoad's records). */
  readonly #held = new WeakMap<Chunk, number>();

  constructor(words: Int32Array) {
    this.#board = new ClaimBoard(words);
  }

  /** A claim word for each holdable chunk of `chunks`, about to be sent; undefined when none is holdable. */
  take(chunks: readonly Chunk[]): Map<Chunk, number> | undefined {
    let words: Map<Chunk, number> | undefined;
    for (const chunk of chunks) if (chunk.holdable) (words ??= new Map()).set(chunk, this.#board.take());
    return words;
  }

  /** The chunks of `words` were sent: they are held until answered. */
  sent(words: ReadonlyMap<Chunk, number>): void {
    for (const [chunk, word] of words) this.#held.set(chunk, word);
  }

  /** The chunks of `words` could not be sent: their words are free again. */
  unsent(words: ReadonlyMap<Chunk, number>): void {
    for (const word of words.values()) this.#board.release(word);
  }

  /** The worker answered for `chunks`: their words may be reused. */
  answered(chunks: readonly Chunk[]): void {
    for (const chunk of chunks) {
      const word = this.#held.get(chunk);
      if (word === undefined) continue;
      this.#held.delete(chunk);
      this.#board.release(word);
    }
  }

  /** True while this worker holds `chunk` with a claim word. */
  has(chunk: Chunk): boolean {
    return this.#held.has(chunk);
  }

  /** Takes `chunk` back before it starts: false once started (or no longer held). */
  cancel(chunk: Chunk): boolean {
    const word = this.#held.get(chunk);
    return word !== undefined && this.#board.cancel(word);
  }

  /** True when `chunk` was taken back before it started: its answer says nothing of how long it runs. */
  cancelled(chunk: Chunk): boolean {
    const word = this.#held.get(chunk);
    return word !== undefined && this.#board.cancelled(word);
  }

  /** True once `chunk` has started (or is no longer held, having been answered). */
  started(chunk: Chunk): boolean {
    const word = this.#held.get(chunk);
    return word === undefined || this.#board.started(word);
  }
}
