/**
 * The results a lazy iterator has ready for its consumer, in order. Values
 * are stored as they are — no wrapper object per item — with failed entries
 * and streamed items' chunks kept aside by position, because `Executor.map`
 * over 100k tiny items spends its time here.
 */
import { IntMap } from '../internal/int-map.js';

export const EMPTY = 0;
export const VALUE = 1;
export const ERROR = 2;
export type Taken = typeof EMPTY | typeof VALUE | typeof ERROR;

export class OutputQueue {
  #values: unknown[] = [];
  #head = 0;
  /** Entries dropped from the front of `#values`, so positions stay absolute. */
  #base = 0;
  readonly #errors = new IntMap<unknown>();
  readonly #chunks = new IntMap<number>();
  /** The entry `take()` returned. */
  taken: unknown = undefined;
  /** For a streamed item, the input index of the chunk it came from; else undefined. */
  takenChunk: number | undefined = undefined;

  get empty(): boolean {
    return this.#head >= this.#values.length;
  }

  push(value: unknown): void {
    this.#values.push(value);
  }

  pushError(error: unknown): void {
    this.#errors.set(this.#base + this.#values.length, error);
    this.#values.push(undefined);
  }

  /** An item a still-running chunk streamed back; taking it acknowledges it to that chunk. */
  pushStreamed(value: unknown, chunk: number): void {
    this.#chunks.set(this.#base + this.#values.length, chunk);
    this.#values.push(value);
  }

  /** Takes the next entry into `taken`/`takenChunk`: `VALUE`, `ERROR`, or `EMPTY`. */
  take(): Taken {
    if (this.#head >= this.#values.length) return EMPTY;
    const position = this.#base + this.#head;
    this.taken = this.#values[this.#head];
    this.#values[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#values.length) {
      this.#values = this.#values.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
    this.takenChunk = this.#chunks.size > 0 ? this.#chunks.get(position) : undefined;
    if (this.takenChunk !== undefined) this.#chunks.delete(position);
    if (this.#errors.size > 0 && this.#errors.has(position)) {
      this.taken = this.#errors.get(position);
      this.#errors.delete(position);
      return ERROR;
    }
    return VALUE;
  }

  clear(): void {
    this.#base += this.#values.length;
    this.#values = [];
    this.#head = 0;
    this.#errors.clear();
    this.#chunks.clear();
  }
}
