/**
 * A queue's state, held by its owner: packed items in order, the callers
 * waiting to get or to put, the items leased ahead to consumers elsewhere
 * (lease-book.ts), and (for a JoinableQueue) the count of items not yet marked
 * done. An item leaves only when a getter receives it: one handed to a caller
 * that is gone before it acknowledged the answer, or leased to a consumer that
 * is gone before a get there took it, goes back to the front.
 */
import { Empty, Full, InvalidStateError } from '../errors.js';
import type { Lease } from './lease-book.js';
import { LeaseBooks } from './lease-book.js';
import type { Packed } from './pack.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN, timerFor, unknownMethod } from './served.js';

interface Waiter<T> {
  readonly ctx: CallContext;
  /** A getter that leases what it receives (the lease book covers its loss, not an acknowledgement). */
  readonly leases?: boolean;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/** Below this many taken items the array is not compacted: shifting costs more than the waste. */
const COMPACT_AFTER = 1024;

/**
 * The most items one lease hands a consumer. More saves round trips (a lease of n serves n gets with one);
 * fewer makes a recall return less, and leaves more for a consumer that arrives later.
 */
const LEASE_ITEMS = 256;

export class QueueState implements Served {
  readonly maxsize: number;
  #items: Packed[] = [];
  #head = 0;
  readonly #getters: Waiter<Packed>[] = [];
  readonly #putters: Waiter<void>[] = [];
  readonly #leases = new LeaseBooks();
  #unfinished = 0;
  readonly #joiners: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #closed = false;

  constructor(maxsize: number) {
    this.maxsize = maxsize;
  }

  /** Items in the queue, leased ones included (they leave only when a get takes them). */
  get size(): number {
    return this.#queued + this.#leases.count;
  }

  /** Items here, not leased: what a get may take now. */
  get #queued(): number {
    return this.#items.length - this.#head;
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
        this.#wakePutters(this.#leases.taken(ctx.agent, args[0] as number));
        return undefined;
      case 'returned':
        this.#restore(this.#leases.returned(ctx.agent, args[0] as number, args[1] as number));
        // What was given back may have been less than was leased (a lease crossed the recall): ask again.
        if (this.#getters.length > 0) this.#leases.recall(0);
        return undefined;
      case 'qsize':
        return this.size;
      case 'full':
        return this.maxsize > 0 && this.size >= this.maxsize;
      case 'taskDone':
        return this.taskDone();
      case 'join':
        return this.#unfinished === 0 ? undefined : new Promise<void>((resolve, reject) => this.#joiners.push({ resolve, reject }));
      default:
        throw unknownMethod('Queue', method);
    }
  }

  async put(item: Packed, block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<void> {
    while (this.maxsize > 0 && this.size >= this.maxsize) {
      if (!block) throw new Full(`The queue is full (maxsize ${this.maxsize})`);
      await this.#wait(this.#putters, timeout, ctx, () => new Full(`The queue stayed full (maxsize ${this.maxsize}) for ${timeout} s`));
    }
    this.#unfinished++;
    this.#offer(item);
  }

  get(block: boolean, timeout: number | null | undefined, ctx: CallContext): Packed | Promise<Packed> {
    if (this.#queued > 0) {
      const item = this.#take();
      this.#wakePutters(1);
      ctx.onLost?.(() => this.#putBack(item));
      return item;
    }
    if (!block) throw this.#emptyNow(ctx);
    this.#leases.recall(ctx.agent);
    return this.#wait(this.#getters, timeout, ctx, () => new Empty(`The queue stayed empty for ${timeout} s`));
  }

  /**
   * A get from another thread or process that takes the items queued now (up to {@link LEASE_ITEMS}), or
   * waits for one: its next gets are served there without a round trip, each one reported as `taken`.
   */
  lease(block: boolean, timeout: number | null | undefined, ctx: CallContext): Lease | Promise<Lease> {
    // A consumer that never waits is never recalled: it reads no item ahead, or it would keep them from
    // consumers that stop at their first Empty (getNowait() until Empty, as a crawler does).
    const count = Math.min(this.#queued, block ? LEASE_ITEMS : 1);
    if (count > 0) {
      const items: Packed[] = [];
      for (let i = 0; i < count; i++) items.push(this.#take());
      return this.#leases.lend(ctx, items);
    }
    if (!block) throw this.#emptyNow(ctx);
    return this.#awaitLease(timeout, ctx);
  }

  /** What a get that may not wait finds: nothing here; unread items leased elsewhere are asked back for a retry. */
  #emptyNow(ctx: CallContext): Empty {
    this.#leases.recall(ctx.agent);
    return new Empty('The queue is empty');
  }

  async #awaitLease(timeout: number | null | undefined, ctx: CallContext): Promise<Lease> {
    this.#leases.recall(ctx.agent);
    const item = await this.#wait(this.#getters, timeout, ctx, () => new Empty(`The queue stayed empty for ${timeout} s`), true);
    if (ctx.signal?.aborted) {
      this.#restore([item]);
      throw new InvalidStateError('the caller is gone');
    }
    return this.#leases.lend(ctx, [item]);
  }

  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError('taskDone() called too many times: more than the items put on the queue');
    if (--this.#unfinished > 0) return;
    for (const joiner of this.#joiners.splice(0)) joiner.resolve();
  }

  /** An item to the first waiting getter (which then owns it), or to the back of the queue. */
  #offer(item: Packed): void {
    const getter = this.#getters.shift();
    if (getter) this.#hand(getter, item);
    else this.#items.push(item);
  }

  #hand(getter: Waiter<Packed>, item: Packed): void {
    if (!getter.leases) getter.ctx.onLost?.(() => this.#putBack(item));
    getter.resolve(item);
  }

  #take(): Packed {
    const item = this.#items[this.#head] as Packed;
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** `count` items left the queue: as many waiting putters look for room again. */
  #wakePutters(count: number): void {
    for (let i = 0; i < count; i++) this.#putters.shift()?.resolve();
  }

  /** An item whose getter never received it goes back to the front. */
  #putBack(item: Packed): void {
    const getter = this.#getters.shift();
    if (getter) this.#hand(getter, item);
    else if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  /** Items given back (in order) go to the front, and to waiting getters. */
  #restore(items: readonly Packed[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#head > 0) this.#items[--this.#head] = items[i] as Packed;
      else this.#items.unshift(items[i] as Packed);
    }
    while (this.#getters.length > 0 && this.#queued > 0) {
      const item = this.#take();
      const getter = this.#getters.shift() as Waiter<Packed>;
      if (!getter.leases) this.#wakePutters(1);
      this.#hand(getter, item);
    }
  }

  /** Waits in `list` until resolved, `timeout` seconds pass (`timedOut()` is thrown) or the caller is gone. */
  #wait<T>(list: Waiter<T>[], timeout: number | null | undefined, ctx: CallContext, timedOut: () => Error, leases = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
      };
      const onAbort = (): void => {
        leave();
        clearTimeout(timer);
        reject(new InvalidStateError('the caller is gone'));
      };
      const waiter: Waiter<T> = {
        ctx,
        leases,
        resolve: (value) => {
          clearTimeout(timer);
          ctx.signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          ctx.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      // Declared after the waiter, whose settlers use it: none can run before this line.
      const timer = timerFor(timeout, () => {
        leave();
        waiter.reject(timedOut());
      });
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      list.push(waiter);
    });
  }

  /** A consumer is gone: what it leased and did not take goes back to the front. */
  agentGone(agent: number): void {
    this.#restore(this.#leases.forget(agent));
  }

  close(): void {
    this.#closed = true;
    const gone = (): InvalidStateError => new InvalidStateError(SHUT_DOWN);
    for (const waiter of [...this.#getters.splice(0), ...this.#putters.splice(0)]) waiter.reject(gone());
    for (const joiner of this.#joiners.splice(0)) joiner.reject(gone());
  }
}
