/**
 * A queue as a thread of its owner's process sees it: gets and puts run on
 * the ring in shared memory (ring.ts) with no message to the owner. What the
 * ring cannot serve goes to the owner, so that FIFO order holds across every
 * party: a put while the owner keeps items behind the ring or of an item
 * too large for it, a get while the owner keeps items ahead of the ring (given
 * back) or behind it with the ring empty, and a get that would wait while
 * items are leased to another process (the owner recalls them).
 */
import { performance } from 'node:perf_hooks';

import { Empty, Full } from '../errors.js';
import { LOCAL_AGENT } from './agent.js';
import type { Owner } from './link.js';
import type { Packed } from './pack.js';
import { ADDED, BUSY, QueueRing, ROOM, WAIT } from './ring.js';
import { InOrder, remaining, retry, TIMED_OUT } from './ring-ops.js';
import type { CallContext, Served } from './served.js';
import { unknownMethod } from './served.js';

/** What an attempt returns when the owner must serve the call. */
const OWNER: unique symbol = Symbol('owner');

export class QueueView implements Served {
  readonly #ring: QueueRing;
  readonly #maxsize: number;
  /**
   * A JoinableQueue's puts go to the owner: a put counts its item as unfinished and writes it, two steps
   * that a thread terminated between them would leave half done (counted, never written), and `join()` would
   * then wait for ever. The owner's thread cannot die without the queue.
   */
  readonly #joinable: boolean;
  readonly #owner: Owner;
  readonly #puts = new InOrder();

  constructor(memory: SharedArrayBuffer, maxsize: number, owner: Owner, joinable: boolean) {
    this.#ring = new QueueRing(memory);
    this.#maxsize = maxsize;
    this.#joinable = joinable;
    this.#owner = owner;
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    // The memory outlives an owner that died: its queue went with it all the same.
    this.#owner.gone.throwIfAborted();
    switch (method) {
      case 'put':
        return this.put(args[0] as Packed, args[1] as boolean, args[2] as number | null | undefined, ctx);
      case 'get':
        return this.get(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'qsize':
        this.#ring.checkOpen();
        return this.#ring.size;
      case 'full':
        this.#ring.checkOpen();
        return this.#maxsize > 0 && this.#ring.size >= this.#maxsize;
      case 'taskDone':
        this.#ring.checkOpen();
        if (!this.#ring.taskDone()) throw new RangeError('taskDone() called too many times: more than the items put on the queue');
        return undefined;
      case 'join':
        return this.#ring.join(this.#owner.gone);
      default:
        throw unknownMethod('Queue', method);
    }
  }

  /** The front item if the ring has one for this thread right now, else null (then `get` decides). */
  takeNow(): Packed | null {
    if (this.#owner.gone.aborted) return null;
    const item = this.#tryGet(LOCAL_AGENT);
    return typeof item === 'symbol' ? null : item;
  }

  /** Puts `item` if it can go into the ring right now, in order after this thread's earlier puts. */
  putNow(item: Packed): boolean {
    return !this.#owner.gone.aborted && this.#puts.now(() => this.#tryPut(item, LOCAL_AGENT) === true);
  }

  put(item: Packed, block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<void> {
    return this.#puts.run(
      () => this.#tryPut(item, ctx.agent) === true,
      async () => {
        const started = performance.now();
        const result = await retry(this.#ring, ROOM, () => this.#tryPut(item, ctx.agent), block, timeout, this.#owner.gone);
        if (result === OWNER) await this.#owner.call('put', [item, block, remaining(timeout, started)]);
        else if (result === TIMED_OUT) throw this.#full(block, timeout);
      },
    );
  }

  async get(block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<Packed> {
    const started = performance.now();
    const result = await retry(this.#ring, ADDED, () => this.#tryGet(ctx.agent), block, timeout, this.#owner.gone);
    if (result === TIMED_OUT) throw new Empty(block ? `The queue stayed empty for ${timeout} s` : 'The queue is empty');
    if (result === OWNER) return (await this.#owner.call('get', [block, remaining(timeout, started)])) as Packed;
    return result;
  }

  #full(block: boolean, timeout: number | null | undefined): Full {
    return new Full(block ? `The queue stayed full (maxsize ${this.#maxsize}) for ${timeout} s` : `The queue is full (maxsize ${this.#maxsize})`);
  }

  #tryPut(item: Packed, agent: number): true | typeof BUSY | typeof WAIT | typeof OWNER {
    if (this.#joinable) return OWNER;
    const ring = this.#ring;
    if (!ring.lock(agent)) return BUSY;
    try {
      if (this.#maxsize > 0 && ring.size >= this.#maxsize) return WAIT;
      if (ring.behind > 0 || !ring.fits(item.bytes.length)) return OWNER;
      ring.addUnfinished();
      ring.write(item);
    } finally {
      ring.unlock();
    }
    ring.signal(ADDED);
    return true;
  }

  #tryGet(agent: number): Packed | typeof BUSY | typeof WAIT | typeof OWNER {
    const ring = this.#ring;
    if (!ring.lock(agent)) return BUSY;
    let item: Packed | null = null;
    try {
      if (ring.ahead > 0) return OWNER;
      if (ring.count > 0) item = ring.read();
      else if (ring.behind > 0) return OWNER;
    } finally {
      ring.unlock();
    }
    if (item) {
      ring.signal(ROOM);
      return item;
    }
    // Items leased to another process come back only if the owner recalls them: it does for a get it serves.
    return ring.leased > 0 ? OWNER : WAIT;
  }
}
