/** `Queue` and `JoinableQueue`, Python's `multiprocessing.Queue` and `JoinableQueue`. */
import { InvalidStateError } from '../errors.js';
import { validateBoolean, validateInteger, validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Packed } from './pack.js';
import { pack, unpack, unpackPlain } from './pack.js';
import { QueueReader } from './queue-reader.js';
import { QueueState } from './queue-state.js';
import { QueueView } from './queue-view.js';

interface WireState {
  readonly joinable: boolean;
  readonly maxsize: number;
  /** Made by a Manager, which may shut it down: every call waits for its answer, as Python's proxies do. */
  readonly managed: boolean;
}

const KIND: LinkKind<QueueState | QueueView> = {
  kind: 'queue',
  module: import.meta.url,
  attach: (memory, state, owner) => new QueueView(memory, (state as WireState).maxsize, owner, (state as WireState).joinable),
};

let adopting: Link<QueueState | QueueView> | null = null;
let makeJoinable = false;
let makeManaged = false;
/** Each queue's link, for JoinableQueue's own methods (a #private field is not inherited). */
const links = new WeakMap<object, Link<QueueState | QueueView>>();

/** `make()` builds a queue a Manager owns (see WireState.managed). */
export function managedQueue<Q>(make: () => Q): Q {
  makeManaged = true;
  try {
    return make();
  } finally {
    makeManaged = false;
  }
}

/**
 * A FIFO queue shared by every thread and process it reaches (Python's `multiprocessing.Queue`). Items
 * are copied (structured clone, as pickle copies them) and may hold other primitives. An item leaves the
 * queue only when a `get` receives it: a consumer that dies while waiting loses nothing. The owner's thread
 * and the worker threads of its process put and get through a ring in shared memory, with no message per
 * item. A `get` in another process leases the items queued at that moment, and its next gets take them with
 * no round trip; unread leased items go back to the front when another consumer waits or when their holder
 * dies.
 *
 * @example
 * ```ts
 * import { Queue } from 'multipool';
 *
 * const q = new Queue<string>();
 * await q.put('job');
 * console.log(await q.get()); // 'job'
 * ```
 */
export class Queue<T = unknown> {
  readonly #link: Link<QueueState | QueueView>;
  /** Gets through leases, for a queue owned elsewhere (not by a Manager). */
  readonly #reader: QueueReader | null = null;
  /** Puts need no answer: owned elsewhere, unbounded, not joinable, not a Manager's (see put()). */
  readonly #putsOneWay: boolean = false;
  #closed = false;

  /**
   * @param maxsize - the most items it holds; 0 (default) for no limit.
   * @throws RangeError when `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    const joinable = makeJoinable;
    makeJoinable = false;
    if (adopting) {
      const link = adopting;
      adopting = null;
      this.#link = link;
      const wire = link.wireState as WireState;
      if (link.remote && !wire.managed) {
        this.#reader = QueueReader.for(link);
        this.#putsOneWay = wire.maxsize === 0 && !wire.joinable;
      }
    } else {
      validateInteger(maxsize, 'maxsize', 0);
      const wire: WireState = { joinable, maxsize, managed: makeManaged };
      const state = new QueueState(maxsize);
      this.#link = Link.own(this, KIND, state, state.memory, wire);
    }
    links.set(this, this.#link);
  }

  /**
   * Puts an item at the back. Waits for room in a bounded queue. Into an unbounded Queue owned by another
   * thread or process it resolves once the item is on its way (as Python's put returns once its feeder has
   * it): every later call from here sees it, but a `get` elsewhere may miss it for a moment.
   *
   * @param block - wait for room (default true); false rejects with `Full` at once when full.
   * @param timeout - the longest wait for room in seconds (undefined or null: no limit).
   * @throws Full (as a rejection) when there is no room in time; TypeError for an item that cannot be
   *   copied (a function, a class instance); InvalidStateError after `close()` or once shut down.
   */
  async put(item: T, block = true, timeout?: number | null): Promise<void> {
    validateBoolean(block, 'block');
    validateTimeout(timeout);
    if (this.#closed) throw new InvalidStateError('put() on a closed Queue: close() said no more items come from here');
    const packed = pack(item, 'this item on a Queue');
    // Straight into shared memory when there is room and no earlier put of this thread waits.
    if (this.#link.ready?.putNow(packed)) return;
    // Nothing can refuse it at the owner (no bound, no count to keep exact for join()): no answer to wait for.
    if (this.#putsOneWay) await this.#link.tell('put', [packed, true, null]);
    else await this.#link.call('put', [packed, block, timeout]);
  }

  /**
   * Takes the item at the front, waiting for one.
   *
   * @param block - wait for an item (default true); false rejects with `Empty` at once when empty.
   * @param timeout - the longest wait in seconds (undefined or null: no limit).
   * @throws Empty (as a rejection) when no item comes in time; InvalidStateError once shut down.
   */
  async get(block = true, timeout?: number | null): Promise<T> {
    validateBoolean(block, 'block');
    validateTimeout(timeout);
    const now = this.#link.ready?.takeNow();
    if (now) return (now.shared ? await unpack(now) : unpackPlain(now)) as T;
    const packed = this.#reader ? await this.#reader.get(block, timeout) : await this.#link.call<Packed>('get', [block, timeout]);
    return (await unpack(packed)) as T;
  }

  /** `put(item, false)`: rejects with `Full` when there is no room. */
  putNowait(item: T): Promise<void> {
    return this.put(item, false);
  }

  /** `get(false)`: rejects with `Empty` when there is no item. */
  getNowait(): Promise<T> {
    return this.get(false);
  }

  /** The number of items in the queue now (items leased to a consumer count until a get there takes them). */
  qsize(): Promise<number> {
    return this.#link.call<number>('qsize', []);
  }

  /** Whether the queue is empty now. */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  /** Whether a bounded queue is full now. */
  full(): Promise<boolean> {
    return this.#link.call<boolean>('full', []);
  }

  /** No more items will be put from here (Python's `close()`): a later `put` here rejects. */
  close(): void {
    this.#closed = true;
  }

  /**
   * Python's `join_thread()`: an awaited `put` here is already on its way to the owner (with the kernel,
   * delivered even if this process exits next), so this resolves at once.
   */
  async joinThread(): Promise<void> {
    // Nothing is buffered in a feeder thread here: an awaited put() has left this process.
  }

  /** @internal The handle this queue crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

/**
 * A {@link Queue} that counts unfinished items (Python's `multiprocessing.JoinableQueue`): each consumer
 * calls `taskDone()` per item it got, and `join()` resolves once every item put has been marked done.
 *
 * @example
 * ```ts
 * import { JoinableQueue } from 'multipool';
 *
 * const q = new JoinableQueue<number>();
 * await q.put(1);
 * await q.get();
 * await q.taskDone();
 * await q.join(); // every item is done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * @param maxsize - the most items it holds; 0 (default) for no limit.
   * @throws RangeError when `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    makeJoinable = true;
    super(maxsize);
  }

  /**
   * Marks one item got from the queue as done.
   *
   * @throws RangeError (as a rejection) "taskDone() called too many times" when more are marked than put.
   */
  async taskDone(): Promise<void> {
    await (links.get(this) as Link<QueueState | QueueView>).call('taskDone', []);
  }

  /** Resolves once every item put has been marked done with `taskDone()`. */
  async join(): Promise<void> {
    await (links.get(this) as Link<QueueState | QueueView>).call('join', []);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return (link.wireState as WireState).joinable ? new JoinableQueue() : new Queue();
});
