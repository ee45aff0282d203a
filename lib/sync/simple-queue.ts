/** `SimpleQueue`, Python's `multiprocessing.SimpleQueue`: an unbounded queue with the fewest methods. */
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Packed } from './pack.js';
import { pack, unpack } from './pack.js';
import { QueueState } from './queue-state.js';

const KIND: LinkKind<QueueState> = { kind: 'simple-queue', module: import.meta.url };

let adopting: Link<QueueState> | null = null;

/**
 * An unbounded FIFO queue shared by every thread and process it reaches (Python's
 * `multiprocessing.SimpleQueue`): `put`, `get`, `empty`, `close`.
 *
 * @example
 * ```ts
 * import { SimpleQueue } from 'multipool';
 *
 * const q = new SimpleQueue<number>();
 * await q.put(42);
 * console.log(await q.get(), await q.empty()); // 42 true
 * ```
 */
export class SimpleQueue<T = unknown> {
  readonly #link: Link<QueueState>;

  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    this.#link = Link.own(this, KIND, new QueueState(0));
  }

  /**
   * Puts an item at the back.
   *
   * @throws TypeError (as a rejection) for an item that cannot be copied; InvalidStateError once shut down.
   */
  async put(item: T): Promise<void> {
    await this.#link.call('put', [pack(item, 'this item on a SimpleQueue'), true, null]);
  }

  /** Takes the item at the front, waiting for as long as it takes. */
  async get(): Promise<T> {
    return (await unpack(await this.#link.call<Packed>('get', [true, null]))) as T;
  }

  /** Whether the queue is empty now. */
  async empty(): Promise<boolean> {
    return (await this.#link.call<number>('qsize', [])) === 0;
  }

  /** Python's `close()`: nothing to release here, the queue lives with its owner. */
  close(): void {
    // The state belongs to the owner; a handle holds no resource of its own.
  }

  /** @internal The handle this queue crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new SimpleQueue();
});
