/** `SimpleQueue`, Python's `multiprocessing.SimpleQueue`: an unbounded queue with the fewest methods. */
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Packed } from './pack.js';
import { pack, unpack } from './pack.js';
import { QueueReader } from './queue-reader.js';
import { QueueState } from './queue-state.js';
import { QueueView } from './queue-view.js';

const KIND: LinkKind<QueueState | QueueView> = { kind: 'simple-queue', module: import.meta.url, attach: (memory, _state, owner) => new QueueView(memory, 0, owner, false) };

let adopting: Link<QueueState | QueueView> | null = null;

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
  readonly #link: Link<QueueState | QueueView>;
  /** Gets through leases, for a queue owned elsewhere (see queue-reader.ts). */
  readonly #reader: QueueReader | null = null;

  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      if (this.#link.remote) this.#reader = QueueReader.for(this.#link);
      return;
    }
    const state = new QueueState(0);
    this.#link = Link.own(this, KIND, state, state.memory);
  }

  /**
   * Puts an item at the back. Into a queue owned by another thread or process it resolves once the item is
   * on its way (see {@link Queue.put}).
   *
   * @throws TypeError (as a rejection) for an item that cannot be copied; InvalidStateError once shut down.
   */
  async put(item: T): Promise<void> {
    // Unbounded, and never a Manager's: nothing can refuse the item at the owner, no answer to wait for.
    await this.#link.tell('put', [pack(item, 'this item on a SimpleQueue'), true, null]);
  }

  /** Takes the item at the front, waiting for as long as it takes. */
  async get(): Promise<T> {
    const packed = this.#reader ? await this.#reader.get(true, null) : await this.#link.call<Packed>('get', [true, null]);
    return (await unpack(packed)) as T;
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
