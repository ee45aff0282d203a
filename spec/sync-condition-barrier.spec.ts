/** Condition and Barrier: from the owner, a worker thread and a child process. */
import { Barrier, BrokenBarrierError, Condition, Event, InvalidStateError, Lock, Value } from 'multipool';

import { withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

describe.each(SIDES)('from a worker (%s)', (side: Side) => {
  test('a worker waiting on a Condition wakes when the owner notifies', async () => {
    await using pool = sidePool(side, 1);
    const cond = new Condition();
    const waiting = new Event();
    const waiter = pool.apply(
      async (c: Condition, e: Event): Promise<boolean> => {
        await c.acquire();
        await e.set();
        const notified = await c.wait(10);
        await c.release();
        return notified;
      },
      [cond, waiting],
    );
    await within(waiting.wait(), 'the waiter to hold the lock');
    {
      // The lock is free again only once the waiter waits, so this notify reaches it.
      await using _held = await within(cond.hold(), 'hold the condition');
      await cond.notify();
    }
    expect(await within(waiter, 'the waiter')).toBe(true);
  });

  test('waitFor() in the worker resolves once the owner makes the predicate true and notifies all', async () => {
    await using pool = sidePool(side, 1);
    const cond = new Condition(new Lock());
    const stage = new Value('i', 0);
    const waiting = new Event();
    const waiter = pool.apply(
      async (c: Condition, v: Value, e: Event): Promise<number> => {
        await c.acquire();
        await e.set();
        await c.waitFor(async () => (await v.get()) === 2, 10);
        const seen = await v.get();
        await c.release();
        return seen;
      },
      [cond, stage, waiting],
    );
    await within(waiting.wait(), 'the waiter to hold the lock');
    for (const next of [1, 2]) {
      await using _held = await within(cond.hold(), 'hold the condition');
      await stage.set(next);
      await cond.notifyAll();
    }
    expect(await within(waiter, 'the waiter')).toBe(2);
  });

  test('wait() resolves false after its timeout; wait and notify without the lock reject with InvalidStateError', async () => {
    await using pool = sidePool(side, 1);
    const cond = new Condition();
    const probe = async (c: Condition): Promise<unknown[]> => {
      const name = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (error: Error) => error.name);
      const unheld = [await name(c.wait(0.01)), await name(c.notify())];
      await c.acquire();
      const timedOut = await c.wait(0.05);
      await c.release();
      return [...unheld, timedOut];
    };
    expect(await within(pool.apply(probe, [cond]), 'probe')).toEqual(['InvalidStateError', 'InvalidStateError', false]);
  });

  test('the owner and a worker meet at a Barrier, with arrival indexes 0 and 1', async () => {
    await using pool = sidePool(side, 1);
    const barrier = new Barrier(2);
    const indexes = await within(Promise.all([pool.apply((b: Barrier) => b.wait(), [barrier]), barrier.wait()]), 'meet');
    expect(indexes.sort()).toEqual([0, 1]);
    expect(await barrier.broken()).toBe(false);
  });

  test('a worker whose wait times out breaks the Barrier for everyone', async () => {
    await using pool = sidePool(side, 1);
    const barrier = new Barrier(3);
    const owner = barrier.wait().then(() => 'passed', (error: unknown) => error);
    const worker = pool.apply((b: Barrier) => b.wait(0.05).then(() => 'passed', (error: Error) => error.name), [barrier]);
    expect(await within(worker, 'the worker')).toBe('BrokenBarrierError');
    expect(await within(owner, 'the owner')).toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.broken()).toBe(true);
    await barrier.reset();
    expect(await barrier.broken()).toBe(false);
  });

  test('a party that dies while waiting breaks the Barrier: the others do not hang', async () => {
    await using pool = sidePool(side, 1);
    const barrier = new Barrier(3);
    const owner = barrier.wait();
    const dying = pool.apply(
      async (b: Barrier): Promise<void> => {
        const wait = b.wait();
        wait.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 0));
        while ((await b.nWaiting()) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
        process.exit(4);
      },
      [barrier],
    );
    dying.catch(() => {});
    await expect(within(owner, 'the owner')).rejects.toThrow(BrokenBarrierError);
  });
});

describe('in the owner', () => {
  test('a Barrier runs its action once per round, and abort() fails the waiters', async () => {
    let rounds = 0;
    const barrier = new Barrier(2, { action: () => rounds++ });
    await Promise.all([barrier.wait(), barrier.wait()]);
    await Promise.all([barrier.wait(), barrier.wait()]);
    expect(rounds).toBe(2);
    const waiting = barrier.wait().then(() => 'passed', (error: unknown) => error);
    expect(await barrier.nWaiting()).toBe(1);
    await barrier.abort();
    expect(await waiting).toBeInstanceOf(BrokenBarrierError);
    await expect(barrier.wait()).rejects.toThrow(BrokenBarrierError);
    expect(barrier.parties).toBe(2);
  });

  test('bad arguments are clear errors', async () => {
    expect(() => new Barrier(0)).toThrow(new RangeError('Expected `parties` to be a positive integer, got `0` (number)'));
    expect(() => new Barrier(2, { action: 5 as unknown as () => void })).toThrow(TypeError);
    expect(() => new Barrier(2, { timeout: -1 })).toThrow(RangeError);
    expect(() => new Barrier(2, { parties: 3 } as unknown as object)).toThrow(/Unknown option `parties`/);
    expect(() => new Condition({} as unknown as Lock)).toThrow(TypeError);
    const cond = new Condition();
    await cond.acquire();
    await expect(cond.notify(-1)).rejects.toThrow(RangeError);
    await expect(cond.waitFor(5 as unknown as () => boolean)).rejects.toThrow(TypeError);
    await cond.release();
    await expect(cond.release()).rejects.toThrow(InvalidStateError);
  });
});
