/** `Semaphore` and `BoundedSemaphore`, Python's `multiprocessing.Semaphore` and `BoundedSemaphore`. */
import { validateBoolean, validateInteger, validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { holdFor } from './hold.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import { SemaphoreState } from './semaphore-state.js';

const KIND: LinkKind<SemaphoreState> = {
  kind: 'semaphore',
  module: import.meta.url,
  attach: (memory, state) => new SemaphoreState((state as { bound: number | null }).bound, undefined, memory),
};

let adopting: Link<SemaphoreState> | null = null;
let makeBounded = false;

/**
 * A counter of permits shared by every thread and process it reaches (Python's
 * `multiprocessing.Semaphore`): `acquire` takes one, waiting while none is left; `release` gives one back.
 * Permits taken by a thread or process that dies are given back.
 *
 * @example
 * ```ts
 * import { Semaphore } from 'multipool';
 *
 * const slots = new Semaphore(2);
 * await using _slot = await slots.hold(); // at most two holders at once
 * ```
 */
export class Semaphore {
  readonly #link: Link<SemaphoreState>;

  /**
   * @param value - the initial number of permits, an integer >= 0 (default 1).
   * @throws RangeError when `value` is not an integer >= 0.
   */
  constructor(value = 1) {
    const bounded = makeBounded;
    makeBounded = false;
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    validateInteger(value, 'value', 0);
    const bound = bounded ? value : null;
    const state = new SemaphoreState(bound, value);
    this.#link = Link.own(this, KIND, state, state.memory, { bound });
  }

  /**
   * Takes a permit. Resolves true once taken; false when `block` is false and none is left, or when
   * `timeout` passes first.
   *
   * @param block - wait for a permit (default true).
   * @param timeout - the longest wait in seconds (undefined or null: no limit).
   * @throws TypeError / RangeError (as a rejection) for a bad argument; InvalidStateError once shut down.
   */
  async acquire(block = true, timeout?: number | null): Promise<boolean> {
    validateBoolean(block, 'block');
    validateTimeout(timeout);
    return this.#link.call<boolean>('acquire', [block, timeout]);
  }

  /**
   * Gives a permit back.
   *
   * @throws InvalidStateError (as a rejection) for a BoundedSemaphore already at its initial value.
   */
  async release(): Promise<void> {
    await this.#link.call('release', []);
  }

  /** The number of permits left. */
  getValue(): Promise<number> {
    return this.#link.call<number>('getValue', []);
  }

  /**
   * Takes a permit and returns what gives it back: `await using _ = await sem.hold();`.
   *
   * @param timeout - the longest wait in seconds (undefined: no limit).
   * @throws TimeoutError when `timeout` passes first.
   */
  hold(timeout?: number | null): Promise<AsyncDisposable> {
    return holdFor(this, 'Semaphore', timeout);
  }

  /** @internal The handle this semaphore crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

/**
 * A {@link Semaphore} that refuses to hold more than its initial value (Python's
 * `multiprocessing.BoundedSemaphore`): one release too many rejects with InvalidStateError.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from 'multipool';
 *
 * const sem = new BoundedSemaphore(1);
 * await sem.acquire();
 * await sem.release();
 * await sem.release().catch((error: unknown) => console.log(error)); // InvalidStateError
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * @param value - the initial (and largest) number of permits, an integer >= 0 (default 1).
   * @throws RangeError when `value` is not an integer >= 0.
   */
  constructor(value = 1) {
    makeBounded = true;
    super(value);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return (link.wireState as { bound: number | null }).bound === null ? new Semaphore() : new BoundedSemaphore();
});
