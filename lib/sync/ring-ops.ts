/**
 * What the owner of a queue and its threads share in using its ring
 * (ring.ts): the loop that tries an operation and waits between tries, and
 * the order of one party's puts.
 */
import { performance } from 'node:perf_hooks';

import type { QueueRing } from './ring.js';
import { BUSY, WAIT } from './ring.js';
import { deadlineOf } from './words.js';

/** What {@link retry} returns once its deadline passed. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** What a put that completed at once returns (a promise cannot be changed by its receiver). */
const DONE = Promise.resolve();

const noop = (): void => {};

/**
 * Runs `attempt` until it returns a result: after BUSY once the lock is free, after WAIT once `event`
 * moved (TIMED_OUT when `timeout` seconds pass first, at once when `block` is false).
 */
export async function retry<R>(
  ring: QueueRing,
  event: number,
  attempt: () => R | typeof BUSY | typeof WAIT,
  block: boolean,
  timeout: number | null | undefined,
  signal?: AbortSignal,
): Promise<R | typeof TIMED_OUT> {
  let deadline: number | null | undefined;
  for (;;) {
    const seen = ring.seen(event);
    const result = attempt();
    if (result === BUSY) {
      await ring.lockReleased(signal);
      continue;
    }
    if (result !== WAIT) return result;
    deadline ??= deadlineOf(block, timeout);
    if (!(await ring.waitFor(event, seen, deadline, signal))) return TIMED_OUT;
  }
}

/** What is left of `timeout` seconds counted from `started` (performance.now()), for a call passed on. */
export function remaining(timeout: number | null | undefined, started: number): number | null | undefined {
  if (timeout === undefined || timeout === null) return timeout;
  return Math.max(0, timeout - (performance.now() - started) / 1000);
}

/**
 * One party's puts, in the order they were made even when some cannot finish at once (the lock is
 * held, the queue is full, the item goes through the owner): a put runs at once only when none before
 * it is still pending.
 */
export class InOrder {
  #tail: Promise<void> | null = null;

  /** `fast()` when no earlier put is pending: whether it was done at once. */
  now(fast: () => boolean): boolean {
    return this.#tail === null && fast();
  }

  /** `fast()` tries at once (true: done); otherwise `slow()` runs after every earlier pending put. */
  run(fast: () => boolean, slow: () => Promise<void>): Promise<void> {
    if (this.#tail === null && fast()) return DONE;
    const run = this.#tail ? this.#tail.then(slow) : slow();
    const tail = run.then(noop, noop);
    this.#tail = tail;
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = null;
    });
    return run;
  }
}
