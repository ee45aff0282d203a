/**
 * State kept in shared memory: an Int32Array whose word 0 says whether the
 * primitive was shut down. Threads of the owner's process, and the owner's
 * broker on behalf of other processes, run the same Atomics on it, so one
 * lock serves them all. Waiting is Atomics.waitAsync (the main thread may not
 * block); every change wakes all waiters, who re-check: a waiter that stopped
 * waiting (its caller died) can then never swallow a wake-up meant for another.
 */
import { performance } from 'node:perf_hooks';

import { InvalidStateError } from '../errors.js';
import { SHUT_DOWN } from './served.js';

/** Atomics.waitAsync (Node 16+), which the ES2023 library typings do not list yet. */
const waitAsync = (Atomics as unknown as {
  waitAsync: (words: Int32Array, index: number, value: number, ms: number) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}).waitAsync;

/** Word 0 of every primitive's memory: 1 once shut down. */
export const CLOSED = 0;

export function allocWords(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT);
}

export function checkOpen(words: Int32Array): void {
  if (Atomics.load(words, CLOSED) !== 0) throw new InvalidStateError(SHUT_DOWN);
}

/** Shuts the primitive down and wakes everyone waiting on `watched`, who then fail. */
export function closeWords(words: Int32Array, watched: readonly number[]): void {
  Atomics.store(words, CLOSED, 1);
  for (const index of watched) Atomics.notify(words, index);
}

/** When a wait must end, from a timeout in seconds (performance.now() milliseconds; null: never). */
export function deadlineOf(block: boolean, timeout: number | null | undefined): number | null {
  if (!block) return performance.now();
  return timeout === undefined || timeout === null ? null : performance.now() + timeout * 1000;
}

/**
 * Waits while `words[index]` is `expected`, until `deadline` or `signal`. Returns false once the deadline
 * has passed (the caller gives up), true when it should look again.
 */
export async function waitChange(words: Int32Array, index: number, expected: number, deadline: number | null, signal?: AbortSignal): Promise<boolean> {
  const ms = deadline === null ? Infinity : deadline - performance.now();
  if (ms <= 0) return false;
  const result = waitAsync(words, index, expected, ms);
  if (!result.async) return result.value !== 'timed-out';
  if (!signal) return (await result.value) !== 'timed-out';
  signal.throwIfAborted();
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason instanceof Error ? signal.reason : new Error('the caller is gone'));
    signal.addEventListener('abort', stop, { once: true });
  });
  try {
    return (await Promise.race([result.value, aborted])) !== 'timed-out';
  } finally {
    if (stop) signal.removeEventListener('abort', stop);
  }
}

/**
 * {@link waitChange}, counted in `words[waiters]` while it waits, for primitives whose change skips
 * `Atomics.notify` when nobody waits. The count rises before the wait looks at the word, and a change stores
 * the word before it reads the count (both sequentially consistent): either the change sees this waiter and
 * notifies, or the wait sees the change and does not sleep.
 */
export async function waitCounted(words: Int32Array, waiters: number, index: number, expected: number, deadline: number | null, signal?: AbortSignal): Promise<boolean> {
  Atomics.add(words, waiters, 1);
  try {
    return await waitChange(words, index, expected, deadline, signal);
  } finally {
    Atomics.sub(words, waiters, 1);
  }
}
