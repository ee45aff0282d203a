/**
 * `Manager`, Python's `multiprocessing.Manager()`: containers and primitives
 * whose state lives in the process that made the manager, shut down together.
 */
import { InvalidStateError } from '../errors.js';
import type { BarrierOptions } from './barrier.js';
import { Barrier } from './barrier.js';
import { Condition } from './condition.js';
import type { DictProxy } from './dict-proxy.js';
import { makeDict } from './dict-proxy.js';
import type { DictKey } from './dict-state.js';
import { Event } from './event.js';
import { announceClosed, closeOwned } from './link.js';
import type { ListProxy } from './list-proxy.js';
import { makeList } from './list-proxy.js';
import { Lock, RLock } from './lock.js';
import { NamespaceProxy } from './namespace.js';
import { JoinableQueue, managedQueue, Queue } from './queue.js';
import { Semaphore } from './semaphore.js';
import { SharedArray } from './shared-array.js';
import type { ElementOf, Typecode } from './typecodes.js';
import { Value } from './value.js';

/**
 * Makes shared containers (`dict`, `list`, `Namespace`) and primitives, all shut down together (Python's
 * `multiprocessing.Manager()`). Its state lives in this process; its proxies work from every thread and
 * process they reach. After `shutdown()`, every call on them, from anywhere, rejects with
 * InvalidStateError.
 *
 * @example
 * ```ts
 * import { Manager, Pool } from 'multipool';
 *
 * await using manager = new Manager();
 * const lengths = manager.dict<string, number>();
 * await using pool = new Pool(2);
 * await pool.starmap((d: typeof lengths, url: string) => d.set(url, url.length), [[lengths, 'a.org'], [lengths, 'bb.com']]);
 * console.log(await lengths.copy()); // Map { 'a.org' => 5, 'bb.com' => 6 }
 * ```
 */
export class Manager {
  readonly #owned = new Set<object>();
  /** Set by the first shutdown(): what every call of it resolves with. */
  #shutDown: Promise<void> | null = null;

  /** A dict (keys are primitives), optionally filled from a Map, pairs or a plain object. */
  dict<K extends DictKey = DictKey, V = unknown>(init?: Map<K, V> | Iterable<readonly [K, V]> | Record<string, V>): DictProxy<K, V> {
    this.#check();
    return this.#own(makeDict<K, V>(init));
  }

  /** A list, optionally filled from `init`. */
  list<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    this.#check();
    return this.#own(makeList<T>(init));
  }

  /** A namespace of named values. */
  Namespace(): NamespaceProxy {
    this.#check();
    return this.#own(new NamespaceProxy());
  }

  /** A {@link Queue} owned by this manager. */
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    this.#check();
    return this.#own(managedQueue(() => new Queue<T>(maxsize)));
  }

  /** A {@link JoinableQueue} owned by this manager. */
  JoinableQueue<T = unknown>(maxsize = 0): JoinableQueue<T> {
    this.#check();
    return this.#own(managedQueue(() => new JoinableQueue<T>(maxsize)));
  }

  /** A {@link Lock} owned by this manager. */
  Lock(): Lock {
    this.#check();
    return this.#own(new Lock());
  }

  /** An {@link RLock} owned by this manager. */
  RLock(): RLock {
    this.#check();
    return this.#own(new RLock());
  }

  /** A {@link Semaphore} owned by this manager. */
  Semaphore(value = 1): Semaphore {
    this.#check();
    return this.#own(new Semaphore(value));
  }

  /** An {@link Event} owned by this manager. */
  Event(): Event {
    this.#check();
    return this.#own(new Event());
  }

  /** A {@link Condition} owned by this manager (its lock too, when it makes one). */
  Condition(lock?: Lock): Condition {
    this.#check();
    const condition = this.#own(new Condition(lock));
    if (lock === undefined) this.#own(condition.lock);
    return condition;
  }

  /** A {@link Barrier} owned by this manager. */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this.#check();
    return this.#own(new Barrier(parties, options));
  }

  /** A {@link Value} owned by this manager (its lock too). */
  Value<C extends Typecode>(typecode: C, initial?: ElementOf<C>): Value<C> {
    this.#check();
    const value = this.#own(new Value<C>(typecode, initial));
    this.#own(value.getLock());
    return value;
  }

  /** A {@link SharedArray} owned by this manager (its lock too). */
  Array<C extends Typecode>(typecode: C, sizeOrValues: number | ArrayLike<ElementOf<C>> | Iterable<ElementOf<C>>): SharedArray<C> {
    this.#check();
    const array = this.#own(new SharedArray<C>(typecode, sizeOrValues));
    this.#own(array.getLock());
    return array;
  }

  /**
   * Shuts down everything this manager made: every pending and later call on it, from any thread or
   * process, rejects with InvalidStateError; it resolves once every thread and process connected to this one
   * knows (waiting at most 2 s for one too busy to read). A second call returns the first one's promise.
   */
  shutdown(): Promise<void> {
    if (this.#shutDown) return this.#shutDown;
    for (const owned of this.#owned) closeOwned(owned);
    this.#owned.clear();
    // One-way calls (a dict's set) fail at their caller: each caller must know before this resolves.
    this.#shutDown = announceClosed();
    return this.#shutDown;
  }

  /** `await using manager = new Manager()` shuts it down at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #own<T extends object>(made: T): T {
    this.#owned.add(made);
    return made;
  }

  #check(): void {
    if (this.#shutDown) throw new InvalidStateError('This Manager was shut down: make a new Manager');
  }
}
