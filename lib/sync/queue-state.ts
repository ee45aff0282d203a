/**
 * A queue's state, held by its owner: the ring in shared memory (ring.ts)
 * that the owner and the threads of its process use directly, and beside it
 * in plain lists the items given back (ahead of the ring), the items that
 * did not fit in it (behind it, moved in as room appears), and the items
 * leased ahead to consumers in other processes (lease-book.ts). Gets take
 * from the front of that whole line, so FIFO order holds whoever puts. An
 * item leaves only when a getter receives it: one handed to a caller that is
 * gone before it acknowledged the answer, or leased to a consumer that is
 * gone before a get there took it, goes back to the front.
 */
import { Empty, Full, InvalidStateError } from '../errors.js';
import { LOCAL_AGENT } from './agent.js';
import { ItemList } from './item-list.js';
import type { Lease } from './lease-book.js';
import { LeaseBooks } from './lease-book.js';
import type { Packed } from './pack.js';
import { ADDED, allocRing, BUSY, QueueRing, ROOM, WAIT } from './ring.js';
import { InOrder, retry, TIMED_OUT } from './ring-ops.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN, unknownMethod } from './served.js';

/**
 * The most items one lease hands a consumer. More saves round trips (a lease of n serves n gets with one);
 * fewer makes a recall return less, and leaves more for a consumer that arrives later.
 */
const LEASE_ITEMS = 256;

/** The owner's own calls. */
const LOCAL: CallContext = { agent: LOCAL_AGENT };

export class QueueState implements Served {
  readonly maxsize: number;
  readonly ring: QueueRing;
  readonly #ahead = new ItemList();
  readonly #behind = new ItemList();
  readonly #leases = new LeaseBooks();
  readonly #puts = new InOrder();
  /** Set while a loop moves items from behind the ring into it as room appears. */
  #filling = false;
  #closed = false;

  constructor(maxsize: number, memory: SharedArrayBuffer = allocRing()) {
    this.maxsize = maxsize;
    this.ring = new QueueRing(memory);
  }

  /** The shared memory threads of this process reach the queue through. */
  get memory(): SharedArrayBuffer {
    return this.ring.memory;
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    switch (method) {
      case 'put':
        return this.put(args[0] as Packed, args[1] as boolean, args[2] as number | null | undefined, ctx);
      case 'get':
        return this.get(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'lease':
        return this.lease(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'taken':
        return this.#taken(this.#leases.taken(ctx.agent, args[0] as number));
      case 'returned':
        return this.#returned(ctx.agent, args[0] as number, args[1] as number);
      case 'qsize':
        return this.ring.size;
      case 'full':
        return this.maxsize > 0 && this.ring.size >= this.maxsize;
      case 'taskDone':
        if (!this.ring.taskDone()) throw new RangeError('taskDone() called too many times: more than the items put on the queue');
        return undefined;
      case 'join':
        return this.ring.join(ctx.signal);
      default:
        throw unknownMethod('Queue', method);
    }
  }

  /** The front item if there is one right now, else null (then `get` decides). */
  takeNow(): Packed | null {
    if (this.#closed || this.#ahead.length + this.ring.count + this.#behind.length === 0) return null;
    const items = this.#tryTake(1, LOCAL);
    if (items === BUSY || items === null) return null;
    this.ring.signal(ROOM);
    return items[0] as Packed;
  }

  /** Puts `item` if it can be queued right now, in order after the owner's earlier puts. */
  putNow(item: Packed): boolean {
    return !this.#closed && this.#puts.now(() => this.#tryPut(item) === true);
  }

  put(item: Packed, block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<void> {
    return this.#puts.run(
      () => this.#tryPut(item) === true,
      async () => {
        if ((await retry(this.ring, ROOM, () => this.#tryPut(item), block, timeout, ctx.signal)) !== TIMED_OUT) return;
        throw new Full(block ? `The queue stayed full (maxsize ${this.maxsize}) for ${timeout} s` : `The queue is full (maxsize ${this.maxsize})`);
      },
    );
  }

  async get(block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<Packed> {
    const items = await retry(this.ring, ADDED, () => this.#tryTake(1, ctx) ?? WAIT, block, timeout, ctx.signal);
    if (items === TIMED_OUT) throw new Empty(block ? `The queue stayed empty for ${timeout} s` : 'The queue is empty');
    this.ring.signal(ROOM);
    ctx.onLost?.(() => this.#restore(items));
    return items[0] as Packed;
  }

  /**
   * A get from another process that takes the items queued now (up to {@link LEASE_ITEMS}), or waits for
   * one: its next gets are served there without a round trip, each one reported as `taken`.
   */
  async lease(block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<Lease> {
    // A consumer that never waits is never recalled: it reads no item ahead, or it would keep them from
    // consumers that stop at their first Empty (getNowait() until Empty, as a crawler does).
    const limit = block ? LEASE_ITEMS : 1;
    const items = await retry(this.ring, ADDED, () => this.#tryTake(limit, ctx) ?? WAIT, block, timeout, ctx.signal);
    if (items === TIMED_OUT) throw new Empty(block ? `The queue stayed empty for ${timeout} s` : 'The queue is empty');
    // The wait may have ended with items in the same turn as the caller's death: its leases are already
    // forgotten, so these go straight back.
    if (ctx.signal?.aborted) {
      this.#restore(items);
      throw new InvalidStateError('the caller is gone');
    }
    const lease = this.#leases.lend(ctx, items);
    this.#syncHeld();
    return lease;
  }

  /**
   * Up to `limit` items from the front of the line: given back, in the ring, behind it. Null when there is
   * none (leases elsewhere are then recalled, for the wait that follows); BUSY when a thread holds the lock.
   */
  #tryTake(limit: number, ctx: CallContext): Packed[] | null | typeof BUSY {
    const ring = this.ring;
    if (!ring.lock(LOCAL_AGENT)) return BUSY;
    const items: Packed[] = [];
    try {
      while (items.length < limit) {
        if (this.#ahead.length > 0) items.push(this.#ahead.shift());
        else if (ring.count > 0) items.push(ring.read());
        else if (this.#behind.length > 0) items.push(this.#behind.shift());
        else break;
      }
      this.#fill();
      this.#syncHeld();
    } finally {
      ring.unlock();
    }
    if (items.length > 0) return items;
    this.#leases.recall(ctx.agent);
    return null;
  }

  #tryPut(item: Packed): true | typeof BUSY | typeof WAIT {
    const ring = this.ring;
    if (!ring.lock(LOCAL_AGENT)) return BUSY;
    try {
      if (this.maxsize > 0 && ring.size >= this.maxsize) return WAIT;
      ring.addUnfinished();
      if (this.#behind.length === 0 && ring.fits(item.bytes.length)) {
        ring.write(item);
      } else {
        this.#behind.push(item);
        this.#syncHeld();
      }
    } finally {
      ring.unlock();
    }
    ring.signal(ADDED);
    if (this.#behind.length > 0) void this.#fillAsRoomAppears();
    return true;
  }

  /** Moves items from behind the ring into it while they fit (with the lock held). */
  #fill(): void {
    const behind = this.#behind;
    if (behind.length === 0) return;
    while (behind.length > 0 && this.ring.fits((behind.peek() as Packed).bytes.length)) this.ring.write(behind.shift());
  }

  /** While items wait behind the ring, moves them in as threads' gets make room. */
  async #fillAsRoomAppears(): Promise<void> {
    if (this.#filling) return;
    this.#filling = true;
    try {
      while (this.#behind.length > 0 && !this.#closed) {
        const seen = this.ring.seen(ROOM);
        if (!this.ring.lock(LOCAL_AGENT)) {
          await this.ring.lockReleased();
          continue;
        }
        try {
          this.#fill();
          this.#syncHeld();
        } finally {
          this.ring.unlock();
        }
        if (this.#behind.length > 0) await this.ring.waitFor(ROOM, seen, null);
      }
    } catch {
      // Shut down: nothing more to move.
    } finally {
      this.#filling = false;
    }
  }

  #taken(count: number): void {
    this.#syncHeld();
    if (count > 0) this.ring.signal(ROOM);
  }

  #returned(agent: number, from: number, to: number): void {
    this.#restore(this.#leases.returned(agent, from, to));
    // What was given back may have been less than was leased (a lease crossed the recall): ask again.
    if (this.ring.getterWaits) this.#leases.recall(0);
  }

  /** The owner's lists and leases, as the threads see them. */
  #syncHeld(): void {
    this.ring.setHeld(this.#ahead.length, this.#behind.length, this.#leases.count);
  }

  /** Items given back (in order) go to the front, ahead of the ring. */
  #restore(items: readonly Packed[]): void {
    if (this.#closed) return;
    if (!this.ring.lock(LOCAL_AGENT)) {
      this.ring
        .lockReleased()
        .then(() => this.#restore(items))
        .catch(() => {
          // Shut down meanwhile: the items go with the queue.
        });
      return;
    }
    try {
      this.#ahead.unshift(items);
      this.#syncHeld();
    } finally {
      this.ring.unlock();
    }
    if (items.length > 0) this.ring.signal(ADDED);
  }

  /** A thread or process is gone: a lock on the ring it held is free, what it leased goes back to the front. */
  agentGone(agent: number): void {
    this.ring.releaseLockOf(agent);
    this.#restore(this.#leases.forget(agent));
  }

  close(): void {
    this.#closed = true;
    this.ring.close();
  }
}
