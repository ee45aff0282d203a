/**
 * Claim words: how a worker thread and the engine agree, without a message, on whether a call queued at the
 * worker has started. Each held call gets a word in memory the two share. The worker turns it from pending
 * to running when it starts the call; `Future.cancel()` turns it from pending to cancelled. Whichever comes
 * first wins, atomically, so a future stays pending (and cancellable, as in Python's shared work queue)
 * until its thread really starts it, while several calls still travel to the thread in one message.
 */

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;

/**
 * Words per worker: at least as many as calls one worker may hold (the pool window, 64), so a word is always
 * free when a call is sent. A word is reused once the worker has answered for its call.
 */
export const CLAIM_WORDS = 128;

/** Shared memory for one worker's claim words, made by the engine's side and handed to the worker at start. */
export function claimMemory(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CLAIM_WORDS * Int32Array.BYTES_PER_ELEMENT));
}

/** The worker's side: true when it may start the call of word `word`, false when the call was cancelled. */
export function claimToStart(words: Int32Array, word: number): boolean {
  return Atomics.compareExchange(words, word, PENDING, RUNNING) === PENDING;
}

/** The engine's side of one worker's claim words: which are in use, and the two questions a future asks. */
export class ClaimBoard {
  readonly #words: Int32Array;
  readonly #free: number[];

  constructor(words: Int32Array) {
    this.#words = words;
    this.#free = Array.from({ length: words.length }, (_, i) => words.length - 1 - i);
  }

  /** A word for a call about to be sent, set to pending. */
  take(): number {
    const word = this.#free.pop();
    // The worker handler never lets one worker hold more calls than there are words.
    if (word === undefined) throw new Error('multipool: a worker holds more calls than it has claim words');
    Atomics.store(this.#words, word, PENDING);
    return word;
  }

  /** The worker answered for the call of `word`: the word may be reused. */
  release(word: number): void {
    this.#free.push(word);
  }

  /** Takes the call of `word` back before the worker starts it; false once it has started. */
  cancel(word: number): boolean {
    return Atomics.compareExchange(this.#words, word, PENDING, CANCELLED) === PENDING;
  }

  /** True when the call of `word` was taken back before it started (the worker skips it). */
  cancelled(word: number): boolean {
    return Atomics.load(this.#words, word) === CANCELLED;
  }

  /** True once the worker has started the call of `word`. */
  started(word: number): boolean {
    return Atomics.load(this.#words, word) === RUNNING;
  }
}
