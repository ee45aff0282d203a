/** `Barrier`, Python's `multiprocessing.Barrier`. */
import { validateInteger, validateKeys, validateOptionalFunction, validatePlainObject, validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { BarrierState } from './barrier-state.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';

interface WireState {
  readonly parties: number;
}

const KIND: LinkKind<BarrierState> = { kind: 'barrier', module: import.meta.url };

let adopting: Link<BarrierState> | null = null;

/** Options of {@link Barrier}. */
export interface BarrierOptions {
  /** Runs once per round, in the process that made the barrier, when the last party arrives. */
  readonly action?: (() => unknown) | undefined;
  /** The default `wait` timeout in seconds (undefined: no limit). */
  readonly timeout?: number | null | undefined;
}

/**
 * A meeting point for a fixed number of parties in any threads and processes (Python's
 * `multiprocessing.Barrier`): each `wait` resolves once `parties` callers wait together. A timeout, an
 * `abort()` or a waiting party that dies breaks it: its waiters reject with BrokenBarrierError.
 *
 * @example
 * ```ts
 * import { Barrier } from 'multipool';
 *
 * const start = new Barrier(2);
 * const [a, b] = await Promise.all([start.wait(), start.wait()]);
 * console.log(a + b); // 1: arrival indexes 0 and 1
 * ```
 */
export class Barrier {
  readonly #link: Link<BarrierState>;
  /** The number of parties a round takes. */
  readonly parties: number;

  /**
   * @param parties - how many callers a round takes: an integer >= 1.
   * @param options - `{ action, timeout }`.
   * @throws RangeError when `parties` is not a positive integer; TypeError for bad options.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      this.parties = (this.#link.wireState as WireState).parties;
      return;
    }
    validateInteger(parties, 'parties', 1);
    validatePlainObject(options, 'options');
    validateKeys(options, 'Barrier options', ['action', 'timeout']);
    validateOptionalFunction(options.action, 'action');
    validateTimeout(options.timeout);
    this.parties = parties;
    this.#link = Link.own(this, KIND, new BarrierState(parties, options.action ?? null, options.timeout ?? null), undefined, { parties } satisfies WireState);
  }

  /**
   * Waits for the round to fill; resolves this caller's arrival index (0 … parties - 1).
   *
   * @param timeout - the longest wait in seconds (default: the barrier's own); passing it breaks the barrier.
   * @throws BrokenBarrierError (as a rejection) when the barrier is or becomes broken.
   */
  async wait(timeout?: number | null): Promise<number> {
    validateTimeout(timeout);
    return this.#link.call<number>('wait', [timeout]);
  }

  /** Back to its first state; callers waiting now get BrokenBarrierError. */
  async reset(): Promise<void> {
    await this.#link.call('reset', []);
  }

  /** Breaks the barrier: current and later waiters get BrokenBarrierError until `reset()`. */
  async abort(): Promise<void> {
    await this.#link.call('abort', []);
  }

  /** How many callers wait in the current round. */
  nWaiting(): Promise<number> {
    return this.#link.call<number>('nWaiting', []);
  }

  /** Whether the barrier is broken. */
  broken(): Promise<boolean> {
    return this.#link.call<boolean>('broken', []);
  }

  /** @internal The handle this barrier crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new Barrier(1);
});
