/**
 * A ThreadPoolExecutor sends tiny calls to a busy worker thread ahead of time, several to a message, yet
 * each future keeps Python's meaning: it stays pending (cancellable) until its thread starts it, a cancelled
 * one never runs, and it is running from the moment the thread starts it.
 */
import type { Future } from 'multipool';
import { ThreadPoolExecutor } from 'multipool';

import { eventually, withinSeconds } from './support/helpers.js';

/**
 * Marks `flags[slot]` when it starts, then, given a latch, waits in the worker until the spec opens it.
 * Self-contained, so it ships to the worker as source.
 */
function work(flags: Int32Array, slot: number, latch: number): number {
  Atomics.store(flags, slot, 1);
  if (latch > 0) Atomics.wait(flags, latch, 0);
  return slot;
}

function open(flags: Int32Array, latch: number): void {
  Atomics.store(flags, latch, 1);
  Atomics.notify(flags, latch);
}

/** A one-thread executor that has measured `work` as tiny (so it may queue calls at its busy thread), and the calls it sent. */
async function warmExecutor(flags: Int32Array): Promise<{ executor: ThreadPoolExecutor; sent: () => number }> {
  const executor = new ThreadPoolExecutor(1);
  for (let i = 0; i < 20; i++) await executor.submit(work, flags, 99, 0);
  let sent = 0;
  executor.on('taskStart', () => sent++);
  return { executor, sent: () => sent };
}

/**
 * Starts a call that blocks its thread on `latch`, and waits until it runs. The future comes back wrapped:
 * a future is thenable, so an async function returning it would wait for its result.
 */
async function blockThread(executor: ThreadPoolExecutor, flags: Int32Array, slot: number, latch: number): Promise<{ blocker: Future<number> }> {
  const blocker = executor.submit(work, flags, slot, latch);
  expect(await eventually(() => Atomics.load(flags, slot) === 1)).toBe(true);
  return { blocker };
}

const LATCH_A = 60;
const LATCH_B = 61;

test('futures held by a busy thread stay pending, cancel() takes them back, and a cancelled one never runs', async () => {
  await withinSeconds(60, (async () => {
    const flags = new Int32Array(new SharedArrayBuffer(4 * 128));
    const { executor, sent } = await warmExecutor(flags);
    try {
      const { blocker } = await blockThread(executor, flags, 1, LATCH_A);
      const queued = Array.from({ length: 10 }, (_, i) => executor.submit(work, flags, 2 + i, 0));
      // The thread holds them already: they were sent with the blocker still running.
      expect(await eventually(() => sent() >= 1 + queued.length)).toBe(true);
      expect(queued.map((f) => f.running())).toEqual(queued.map(() => false));
      const cancelled = [0, 3, 7];
      for (const i of cancelled) expect(queued[i]?.cancel()).toBe(true);
      open(flags, LATCH_A);
      expect(await blocker).toBe(1);
      for (const [i, future] of queued.entries()) {
        if (cancelled.includes(i)) {
          expect(future.cancelled()).toBe(true);
          await expect(future.result()).rejects.toThrow('cancelled');
        } else {
          expect(await future).toBe(2 + i);
        }
      }
      // Cancelled calls were skipped by the thread, not run and ignored.
      expect(cancelled.map((i) => Atomics.load(flags, 2 + i))).toEqual([0, 0, 0]);
      expect(queued.filter((_, i) => !cancelled.includes(i)).every((f) => !f.cancelled())).toBe(true);
    } finally {
      open(flags, LATCH_A);
      await executor.shutdown();
    }
  })(), 'held futures');
});

test('a held future is running from the moment its thread starts it, and cancel() then returns false', async () => {
  await withinSeconds(60, (async () => {
    const flags = new Int32Array(new SharedArrayBuffer(4 * 128));
    const { executor, sent } = await warmExecutor(flags);
    try {
      const { blocker } = await blockThread(executor, flags, 1, LATCH_A);
      const held = executor.submit(work, flags, 2, LATCH_B);
      expect(await eventually(() => sent() >= 2)).toBe(true);
      expect(held.running()).toBe(false);
      expect(String(held)).toBe('<Future state=pending>');
      open(flags, LATCH_A);
      expect(await blocker).toBe(1);
      expect(await eventually(() => Atomics.load(flags, 2) === 1)).toBe(true);
      expect(held.running()).toBe(true);
      expect(held.cancel()).toBe(false);
      expect(held.cancelled()).toBe(false);
      open(flags, LATCH_B);
      expect(await held).toBe(2);
    } finally {
      open(flags, LATCH_A);
      open(flags, LATCH_B);
      await executor.shutdown();
    }
  })(), 'held future starts');
});

test('shutdown({ cancelFutures: true }) cancels the futures a thread holds but has not started', async () => {
  await withinSeconds(60, (async () => {
    const flags = new Int32Array(new SharedArrayBuffer(4 * 128));
    const { executor, sent } = await warmExecutor(flags);
    try {
      const { blocker } = await blockThread(executor, flags, 1, LATCH_A);
      const queued = Array.from({ length: 5 }, (_, i) => executor.submit(work, flags, 2 + i, 0));
      expect(await eventually(() => sent() >= 1 + queued.length)).toBe(true);
      const shutdown = executor.shutdown({ cancelFutures: true });
      expect(queued.every((f) => f.cancelled())).toBe(true);
      expect(blocker.cancelled()).toBe(false);
      open(flags, LATCH_A);
      await shutdown;
      expect(await blocker).toBe(1);
      expect(queued.map((_, i) => Atomics.load(flags, 2 + i))).toEqual([0, 0, 0, 0, 0]);
    } finally {
      open(flags, LATCH_A);
      await executor.shutdown();
    }
  })(), 'shutdown cancels held futures');
});
