/** `Event`, Python's `multiprocessing.Event`. */
import { validateTimeout } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { EventState } from './event-state.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';

const KIND: LinkKind<EventState> = { kind: 'event', module: import.meta.url, attach: (memory) => new EventState(memory) };

let adopting: Link<EventState> | null = null;

/**
 * A flag shared by every thread and process it reaches (Python's `multiprocessing.Event`): `wait` resolves
 * once someone calls `set`.
 *
 * @example
 * ```ts
 * import { Event } from 'multipool';
 *
 * const ready = new Event();
 * setTimeout(() => void ready.set(), 10);
 * console.log(await ready.wait(5)); // true
 * ```
 */
export class Event {
  readonly #link: Link<EventState>;

  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    const state = new EventState();
    this.#link = Link.own(this, KIND, state, state.memory);
  }

  /** Sets the flag and wakes every waiter. */
  async set(): Promise<void> {
    await this.#link.call('set', []);
  }

  /** Clears the flag. */
  async clear(): Promise<void> {
    await this.#link.call('clear', []);
  }

  /** Whether the flag is set. */
  isSet(): Promise<boolean> {
    return this.#link.call<boolean>('isSet', []);
  }

  /**
   * Waits until the flag is set. Resolves true when it is, false when `timeout` passed first.
   *
   * @param timeout - the longest wait in seconds (undefined or null: no limit).
   * @throws TypeError / RangeError (as a rejection) for a bad `timeout`; InvalidStateError once shut down.
   */
  async wait(timeout?: number | null): Promise<boolean> {
    validateTimeout(timeout);
    return this.#link.call<boolean>('wait', [timeout]);
  }

  /** @internal The handle this event crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new Event();
});
