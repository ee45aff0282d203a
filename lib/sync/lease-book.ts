/**
 * A queue's leases: items handed ahead to a consumer in another thread or
 * process that was waiting, so its next gets need no round trip. A leased item
 * still counts in the queue's size; it leaves the queue only when a get there
 * hands it out (the consumer says so: `taken`). Unread items come back to the
 * front when the consumer is gone, or when another consumer waits and the
 * holder is asked for them (a recall; it answers `returned`).
 *
 * Each consumer's items are numbered in the order it was given them, so a
 * `taken` or `returned` that crosses a lease on the wire names exactly its own.
 */
import type { Packed } from './pack.js';
import type { CallContext } from './served.js';

/** What a consumer receives: its items, the first numbered `seq`, the next ones following. */
export interface Lease {
  readonly seq: number;
  readonly items: readonly Packed[];
}

interface Book {
  /** Unread items; `items[0]` is numbered `first`. */
  readonly items: Packed[];
  first: number;
  /** The number the next leased item gets. */
  next: number;
  /** Asks the consumer for its unread items. */
  recall: (() => void) | undefined;
  /** A recall was sent and not yet answered. */
  recalling: boolean;
}

export class LeaseBooks {
  readonly #books = new Map<number, Book>();
  #count = 0;

  /** Items leased and not yet taken, over every consumer: part of the queue's size. */
  get count(): number {
    return this.#count;
  }

  /** Records `items` as leased to the caller of `ctx`. */
  lend(ctx: CallContext, items: readonly Packed[]): Lease {
    let book = this.#books.get(ctx.agent);
    if (!book) {
      book = { items: [], first: 0, next: 0, recall: undefined, recalling: false };
      this.#books.set(ctx.agent, book);
    }
    book.recall = ctx.notify;
    const seq = book.next;
    if (book.items.length === 0) book.first = seq;
    book.items.push(...items);
    book.next += items.length;
    this.#count += items.length;
    return { seq, items };
  }

  /** The consumer `agent` handed out every item up to number `seq`; returns how many left the queue. */
  taken(agent: number, seq: number): number {
    const book = this.#books.get(agent);
    if (!book) return 0;
    let count = 0;
    while (book.first <= seq && book.items.length > 0) {
      book.items.shift();
      book.first++;
      count++;
    }
    this.#count -= count;
    return count;
  }

  /**
   * The consumer `agent` gave back its unread items, numbered `from` up to `to`: returns them in order. Items
   * below `from` were taken (their `taken` came first on the same connection); those from `to` on were
   * leased after it answered, and stay.
   */
  returned(agent: number, from: number, to: number): Packed[] {
    const book = this.#books.get(agent);
    if (!book) return [];
    book.recalling = false;
    const upTo = Math.max(0, Math.min(to - book.first, book.items.length));
    const back = book.items.splice(0, upTo).slice(Math.max(0, from - book.first));
    this.#count -= upTo;
    book.first += upTo;
    return back;
  }

  /** Every unread item of `agent`, which is gone, in order. */
  forget(agent: number): Packed[] {
    const book = this.#books.get(agent);
    if (!book) return [];
    this.#books.delete(agent);
    this.#count -= book.items.length;
    return book.items;
  }

  /** Asks every consumer but `waiting` that holds unread items to give them back. */
  recall(waiting: number): void {
    for (const [agent, book] of this.#books) {
      if (agent === waiting || book.recalling || book.items.length === 0 || !book.recall) continue;
      book.recalling = true;
      book.recall();
    }
  }
}
