/**
 * A consumer's side of a queue whose owner is in another thread or process:
 * a get that finds nothing here leases what the queue holds (lease-book.ts),
 * and the next gets are served from that lease, each one telling the owner the
 * item was taken before it returns it. When the owner recalls the lease
 * (another consumer waits), the unread items go back. A thread has one
 * reader per queue, whichever facades it revives for it: the owner knows one
 * lease per thread.
 */
import type { Lease } from './lease-book.js';
import type { Link } from './link.js';
import type { Packed } from './pack.js';
import type { QueueState } from './queue-state.js';
import type { QueueView } from './queue-view.js';

const readers = new Map<string, QueueReader>();

export class QueueReader {
  readonly #link: Link<QueueState | QueueView>;
  /** Leased items not yet handed out; `#items[0]` is numbered `#seq`. */
  #items: Packed[] = [];
  #seq = 0;

  /** This thread's reader of the queue behind `link`. */
  static for(link: Link<QueueState | QueueView>): QueueReader {
    let reader = readers.get(link.key);
    if (!reader) {
      reader = new QueueReader(link);
      readers.set(link.key, reader);
    }
    return reader;
  }

  private constructor(link: Link<QueueState | QueueView>) {
    this.#link = link;
    // After the current turn: an answer read in the same chunk as the recall has then joined the lease.
    link.listen(() => setImmediate(() => this.#giveBack()));
  }

  /** The next item: from the lease, else from a new one (waiting as `get` does). */
  async get(block: boolean, timeout: number | null | undefined): Promise<Packed> {
    if (this.#items.length === 0) {
      this.#join(await this.#link.call<Lease>('lease', [block, timeout]));
    }
    const item = this.#items.shift() as Packed;
    const seq = this.#seq++;
    // Sent before the item is returned, so a consumer that dies from here on does not get it back.
    await this.#link.tell('taken', [seq]);
    return item;
  }

  /** A lease joins the unread items (another get's lease may have come in while this one waited). */
  #join(lease: Lease): void {
    if (this.#items.length === 0) this.#seq = lease.seq;
    this.#items.push(...lease.items);
  }

  #giveBack(): void {
    const from = this.#seq;
    const to = from + this.#items.length;
    this.#items = [];
    this.#seq = to;
    this.#link.tell('returned', [from, to]).catch(() => {
      // The owner is gone, and its queue with it.
    });
  }
}
