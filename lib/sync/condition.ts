/** `Condition`, Python's `multiprocessing.Condition`. */
import { InvalidStateError } from '../errors.js';
import { validateFunction, validateInteger, validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { ConditionState } from './condition-state.js';
import { holdFor } from './hold.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import { linkOf, Lock, RLock } from './lock.js';

interface WireState {
  readonly lock: Lock;
}

const KIND: LinkKind<ConditionState> = { kind: 'condition', module: import.meta.url };

let adopting: Link<ConditionState> | null = null;

/**
 * A condition variable shared by every thread and process it reaches (Python's
 * `multiprocessing.Condition`): holders of its lock `wait` until another holder calls `notify`. A
 * waiter that dies is dropped, so a notify is never spent on it.
 *
 * @example
 * ```ts
 * import { Condition } from 'multipool';
 *
 * const cond = new Condition();
 * let ready = false;
 * setTimeout(async () => {
 *   await using _ = await cond.hold();
 *   ready = true;
 *   await cond.notifyAll();
 * }, 10);
 * await using _ = await cond.hold();
 * await cond.waitFor(() => ready, 5);
 * ```
 */
export class Condition {
  readonly #link: Link<ConditionState>;
  readonly #lock: Lock;

  /**
   * @param lock - the lock it uses (a Lock or RLock); default a new RLock.
   * @throws TypeError when `lock` is not a Lock or RLock.
   */
  constructor(lock?: Lock) {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      this.#lock = (this.#link.wireState as WireState).lock;
      return;
    }
    if (lock !== undefined && !(lock instanceof Lock)) throw new TypeError('Expected `lock` to be a Lock or RLock (or undefined for a new RLock)');
    this.#lock = lock ?? new RLock();
    this.#link = Link.own(this, KIND, new ConditionState(), undefined, { lock: this.#lock } satisfies WireState);
  }

  /** The lock it uses. */
  get lock(): Lock {
    return this.#lock;
  }

  /** Acquires the lock: see {@link Lock.acquire}. */
  acquire(block = true, timeout?: number | null): Promise<boolean> {
    return this.#lock.acquire(block, timeout);
  }

  /** Releases the lock: see {@link Lock.release}. */
  release(): Promise<void> {
    return this.#lock.release();
  }

  /**
   * Acquires the lock and returns what releases it: `await using _ = await cond.hold();`.
   *
   * @throws TimeoutError when `timeout` seconds pass first.
   */
  hold(timeout?: number | null): Promise<AsyncDisposable> {
    return holdFor(this, 'Condition', timeout);
  }

  /**
   * Releases the lock, waits for a notify (or `timeout` seconds), and acquires the lock again. Resolves
   * false when the timeout passed.
   *
   * @throws InvalidStateError (as a rejection) when the caller does not hold the lock.
   */
  async wait(timeout?: number | null): Promise<boolean> {
    validateTimeout(timeout);
    const lock = linkOf(this.#lock);
    if (!(await lock.call<boolean>('owned', []))) throw new InvalidStateError('wait() on a Condition whose lock the caller does not hold: acquire it first');
    const ticket = await this.#link.call<number>('enter', []);
    const depth = await lock.call<number>('releaseAll', []);
    try {
      return await this.#link.call<boolean>('await', [ticket, timeout]);
    } finally {
      await lock.call('restore', [depth]);
    }
  }

  /**
   * Waits until `predicate()` is truthy, at most `timeout` seconds in all; resolves its last result.
   *
   * @throws TypeError when `predicate` is not a function; InvalidStateError without the lock.
   */
  async waitFor<R>(predicate: () => R | Promise<R>, timeout?: number | null): Promise<R> {
    validateFunction(predicate, 'predicate');
    validateTimeout(timeout);
    const end = timeout === undefined || timeout === null ? null : Date.now() + timeout * 1000;
    let result = await predicate();
    while (!result) {
      const left = end === null ? null : (end - Date.now()) / 1000;
      if (left !== null && left <= 0) break;
      await this.wait(left);
      result = await predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters (default 1).
   *
   * @throws InvalidStateError (as a rejection) when the caller does not hold the lock; RangeError for a bad `n`.
   */
  async notify(n = 1): Promise<void> {
    validateInteger(n, 'n', 0);
    if (!(await linkOf(this.#lock).call<boolean>('owned', []))) throw new InvalidStateError('notify() on a Condition whose lock the caller does not hold: acquire it first');
    await this.#link.call('notify', [n]);
  }

  /** Wakes every waiter. */
  notifyAll(): Promise<void> {
    return this.notify(Number.MAX_SAFE_INTEGER);
  }

  /** @internal The handle this condition crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new Condition();
});
