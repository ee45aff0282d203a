/** A FIFO list of packed items that takes from the front in constant time, and can give items back there. */
import type { Packed } from './pack.js';

/** Below this many taken items the array is not compacted: shifting costs more than the waste. */
const COMPACT_AFTER = 1024;

export class ItemList {
  #items: Packed[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The front item, or undefined when empty. */
  peek(): Packed | undefined {
    return this.#items[this.#head];
  }

  push(item: Packed): void {
    this.#items.push(item);
  }

  /** Removes the front item (the list is not empty). */
  shift(): Packed {
    const item = this.#items[this.#head] as Packed;
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Puts `items` (in their order) back at the front. */
  unshift(items: readonly Packed[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#head > 0) this.#items[--this.#head] = items[i] as Packed;
      else this.#items.unshift(items[i] as Packed);
    }
  }
}
