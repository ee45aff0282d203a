/**
 * The input side of a lazy job: pulls a sync or async iterable into chunks,
 * only while fewer than a bounded number of items are ahead of the consumer.
 * Chunks have a fixed size, or ('auto') grow until each holds about a
 * millisecond of work, measured from the items already run.
 */
import { isAsyncIterable } from '../internal/validate.js';

/** Chunks an async input collects before waking the task handler, while the job already has work running. */
const ASYNC_BURST = 16;
/** Work an automatic chunk should hold. */
const AUTO_CHUNK_MS = 1;
const MAX_AUTO_CHUNK = 4096;
/**
 * Items a lazy job may read ahead even with tiny chunks, so messages still batch. Refills come in halves of
 * this, and tiny chunks of one refill travel a few dozen to a message: at 128, `imap` with chunksize 1 sent
 * about 25 messages per 1,000 items each way, and a message to a child process costs tens of µs (the write
 * that wakes it). Python reads the whole input ahead; a thousand items is still flat memory.
 */
export const MIN_LOOKAHEAD = 1024;

/** Python's default: `ceil(n / (4 * processes))`. */
export function defaultChunksize(length: number, processes: number): number {
  return Math.max(1, Math.ceil(length / (4 * processes)));
}

export interface FeederSpec {
  readonly input: Iterable<unknown> | AsyncIterable<unknown>;
  readonly chunksize: number | 'auto';
  /** Fixed look-ahead in items; by default `max(MIN_LOOKAHEAD, 4 * workers * chunk size)`. */
  readonly lookahead?: number | undefined;
  readonly workers: number;
}

export interface FeederHooks {
  /** Chunks are ready to be taken. */
  ready(): void;
  /** The input threw after `index` items; nothing more will be pulled. */
  failed(error: unknown, index: number): void;
  /** The input ended (or failed) after `pulled` items: the job may be done. */
  ended(pulled: number): void;
}

export interface PulledChunk {
  readonly index: number;
  readonly items: unknown[];
}

export class ChunkFeeder {
  readonly #spec: FeederSpec;
  readonly #hooks: FeederHooks;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;
  #async = false;
  #pulling = false;
  #done = false;
  #stopped = false;
  #pulled = 0;
  #consumed = 0;
  #ready: PulledChunk[] = [];
  #itemMs: number | null = null;
  /** Half the look-ahead as of the last fill: refills start below it. */
  #halfWindow = 0;

  constructor(spec: FeederSpec, hooks: FeederHooks) {
    this.#spec = spec;
    this.#hooks = hooks;
  }

  /** True once the input is over (ended, failed or stopped). */
  get inputDone(): boolean {
    return this.#done;
  }

  /** True while nothing more is pulled until the consumer takes results (the look-ahead is full). */
  get waitingForConsumer(): boolean {
    return !this.#done && !this.#pulling;
  }

  /** Chunks pulled and not yet taken. */
  get readyCount(): number {
    return this.#ready.length;
  }

  start(): void {
    const { input } = this.#spec;
    try {
      if (isAsyncIterable(input)) {
        this.#async = true;
        this.#iterator = input[Symbol.asyncIterator]();
      } else {
        this.#iterator = input[Symbol.iterator]();
      }
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.fill();
  }

  take(): PulledChunk | undefined {
    return this.#ready.shift();
  }

  /** The consumer took `n` items: maybe pull more (a cheap test first: this runs once per item). */
  consumed(n: number): void {
    this.#consumed += n;
    if (this.#done || this.#pulling || this.#pulled - this.#consumed > this.#halfWindow) return;
    this.fill();
  }

  /** A chunk of `size` items ran in `ms`: feeds the automatic chunk size. */
  observe(size: number, ms: number): void {
    if (size === 0) return;
    const perItem = ms / size;
    this.#itemMs = this.#itemMs === null ? perItem : this.#itemMs * 0.7 + perItem * 0.3;
  }

  /** Stops pulling for good and lets the input clean up (`return()`). */
  stop(): void {
    this.#ready = [];
    this.#stopped = true;
    if (this.#done) return;
    this.#done = true;
    try {
      const closing = this.#iterator?.return?.();
      if (closing instanceof Promise) closing.catch(() => {});
    } catch {
      // The input's own cleanup failed; the consumer already left, so there is no one to tell.
    }
  }

  #chunkSize(): number {
    if (this.#spec.chunksize !== 'auto') return this.#spec.chunksize;
    const ideal = this.#itemMs === null ? 1 : Math.ceil(AUTO_CHUNK_MS / Math.max(this.#itemMs, 1e-6));
    const bound = this.#spec.lookahead === undefined ? MAX_AUTO_CHUNK : Math.max(1, Math.floor(this.#spec.lookahead / this.#spec.workers));
    return Math.max(1, Math.min(ideal, MAX_AUTO_CHUNK, bound));
  }

  #lookahead(): number {
    return this.#spec.lookahead ?? Math.max(MIN_LOOKAHEAD, 4 * this.#spec.workers * this.#chunkSize());
  }

  /**
   * True while a whole chunk of `size` more items fits in the look-ahead. Chunks keep their boundaries (a
   * chunk fails as a whole, as in Python), so the window is never overshot by a partial chunk; with nothing
   * ahead, one chunk is always allowed, or a chunk larger than the window would stall the job.
   */
  #wantsMore(size: number): boolean {
    if (this.#done) return false;
    const ahead = this.#pulled - this.#consumed;
    return ahead === 0 || ahead + size <= this.#lookahead();
  }

  /**
   * Pulls while under the look-ahead. Refills start only once half the window
   * is consumed, so chunks become ready in bursts and travel many to a message.
   */
  fill(): void {
    this.#halfWindow = this.#lookahead() / 2;
    if (this.#pulling || this.#done || this.#pulled - this.#consumed > this.#halfWindow) return;
    if (this.#async) {
      void this.#fillAsync();
      return;
    }
    const iterator = this.#iterator as Iterator<unknown>;
    let added = false;
    for (let size = this.#chunkSize(); this.#wantsMore(size); size = this.#chunkSize()) {
      const items: unknown[] = [];
      try {
        while (items.length < size) {
          const step = iterator.next();
          if (step.done) {
            this.#done = true;
            break;
          }
          items.push(step.value);
        }
      } catch (error) {
        this.#push(items);
        this.#fail(error);
        return;
      }
      added = this.#push(items) || added;
    }
    if (added) this.#hooks.ready();
    if (this.#done) this.#hooks.ended(this.#pulled);
  }

  async #fillAsync(): Promise<void> {
    this.#pulling = true;
    const iterator = this.#iterator as AsyncIterator<unknown>;
    try {
      for (let size = this.#chunkSize(); this.#wantsMore(size); size = this.#chunkSize()) {
        const items: unknown[] = [];
        try {
          while (items.length < size) {
            const step = await iterator.next();
            // Stopped while waiting: the input was closed (`return()`), so it must not be read again.
            if (this.#stopped) return;
            if (step.done) {
              this.#done = true;
              break;
            }
            items.push(step.value);
          }
        } catch (error) {
          if (this.#stopped) return;
          this.#push(items);
          this.#fail(error);
          return;
        }
        if (this.#stopped) return;
        // Wake the task handler at once for the first chunks, then in bursts.
        if (this.#push(items) && (this.#ready.length === 1 || this.#ready.length >= ASYNC_BURST)) this.#hooks.ready();
      }
    } finally {
      this.#pulling = false;
    }
    this.#hooks.ready();
    if (this.#done) this.#hooks.ended(this.#pulled);
  }

  #push(items: unknown[]): boolean {
    if (items.length === 0) return false;
    this.#ready.push({ index: this.#pulled, items });
    this.#pulled += items.length;
    return true;
  }

  #fail(error: unknown): void {
    this.#done = true;
    this.#hooks.failed(error, this.#pulled);
    this.#hooks.ready();
    this.#hooks.ended(this.#pulled);
  }
}
