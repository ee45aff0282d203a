/**
 * `Lock` and `RLock`, Python's `multiprocessing.Lock` and `RLock`, usable from
 * the main process, worker threads and child processes alike.
 */
import { validateBoolean, validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { holdFor } from './hold.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import { LockState } from './lock-state.js';

const KIND: LinkKind<LockState> = {
  kind: 'lock',
  module: import.meta.url,
  attach: (memory, state) => new LockState((state as { reentrant: boolean }).reentrant, memory),
};

/** Settled promises shared by every fast-path call (a promise cannot be changed by its receiver). */
const ACQUIRED = Promise.resolve(true);
const RELEASED = Promise.resolve();

/** Set while a facade is rebuilt around a link that arrived (see registerKind); read by the constructors. */
let adopting: Link<LockState> | null = null;
let makeReentrant = false;
const links = new WeakMap<Lock, Link<LockState>>();

/** The link of `lock`, for a Condition, which waits by releasing its lock wholly and acquiring it again. */
export function linkOf(lock: Lock): Link<LockState> {
  return links.get(lock) as Link<LockState>;
}

/**
 * A lock shared by every thread and process it reaches (Python's `multiprocessing.Lock`). It can be passed
 * as a task argument, in `initargs`, inside a queue item; its state lives where it was made. A lock held by
 * a process or thread that dies is released, and its waiters go on. Not reentrant: acquiring it again from
 * its holder waits (use {@link RLock}). Any holder may release it.
 *
 * @example
 * ```ts
 * import { Lock } from 'multipool';
 *
 * const lock = new Lock();
 * await lock.acquire();
 * try {
 *   // critical section
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export class Lock {
  readonly #link: Link<LockState>;

  constructor() {
    const reentrant = makeReentrant;
    makeReentrant = false;
    if (adopting) {
      this.#link = adopting;
      adopting = null;
    } else {
      const lockState = new LockState(reentrant);
      this.#link = Link.own(this, KIND, lockState, lockState.memory, { reentrant });
    }
    links.set(this, this.#link);
  }

  /**
   * Acquires the lock. Resolves true once held; false when `block` is false and it is held, or when
   * `timeout` passes first.
   *
   * @param block - wait for the lock (default true); false tries once, never waiting.
   * @param timeout - the longest wait in seconds; undefined or null waits for as long as it takes.
   * @throws TypeError / RangeError (as a rejection) for a bad `block` or `timeout`; InvalidStateError once
   *   the lock is shut down (its Manager) or its owner is gone.
   */
  acquire(block = true, timeout?: number | null): Promise<boolean> {
    const link = this.#link;
    try {
      // The defaults need no check, so the common call pays for none (`block` may be anything at run time).
      if ((block as unknown) !== true || timeout !== undefined) {
        validateBoolean(block, 'block');
        validateTimeout(timeout);
      }
      // The uncontended case in shared memory takes no round trip and no async frame.
      if (link.ready?.tryAcquire(link.context) === 0) return ACQUIRED;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return link.call<boolean>('acquire', [block, timeout]);
  }

  /**
   * Releases the lock.
   *
   * @throws InvalidStateError (as a rejection) when it is not held (or, for an RLock, held by another).
   */
  release(): Promise<void> {
    const link = this.#link;
    const state = link.ready;
    if (!state) return link.call('release', []);
    try {
      state.release(link.context);
      return RELEASED;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Whether someone holds the lock right now. */
  locked(): Promise<boolean> {
    return this.#link.call<boolean>('locked', []);
  }

  /**
   * Acquires the lock and returns what releases it: Python's `with lock:` is
   * `await using _ = await lock.hold();`.
   *
   * @param timeout - the longest wait in seconds (undefined: no limit).
   * @throws TimeoutError when `timeout` passes before the lock is acquired.
   */
  hold(timeout?: number | null): Promise<AsyncDisposable> {
    return holdFor(this, (this.#link.wireState as { reentrant: boolean }).reentrant ? 'RLock' : 'Lock', timeout);
  }

  /** @internal The handle this lock crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

/**
 * A reentrant lock (Python's `multiprocessing.RLock`): the process or thread that holds it may acquire it
 * again, and must release it as many times. Only its holder may release it.
 *
 * @example
 * ```ts
 * import { RLock } from 'multipool';
 *
 * const lock = new RLock();
 * await using _outer = await lock.hold();
 * await using _inner = await lock.hold(); // the same holder: no wait
 * ```
 */
export class RLock extends Lock {
  constructor() {
    makeReentrant = true;
    super();
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  makeReentrant = false;
  return (link.wireState as { reentrant: boolean }).reentrant ? new RLock() : new Lock();
});
