/** Lock, RLock, Semaphore, BoundedSemaphore and Event: from the owner, a worker thread and a child process. */
import { BoundedSemaphore, Event, InvalidStateError, Lock, RLock, Semaphore, TimeoutError, WorkerLostError } from 'multipool';

import { terminating, withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

describe.each(SIDES)('from a worker (%s)', (side: Side) => {
  test('acquire(false) is false while the owner holds a Lock, true once it is released', async () => {
    await using pool = sidePool(side, 1);
    const lock = new Lock();
    await lock.acquire();
    const tryLock = async (l: Lock): Promise<[boolean, boolean]> => [await l.acquire(false), await l.locked()];
    expect(await within(pool.apply(tryLock, [lock]), 'try while held')).toEqual([false, true]);
    await lock.release();
    const tryAndRelease = async (l: Lock): Promise<boolean> => {
      const ok = await l.acquire(false);
      if (ok) await l.release();
      return ok;
    };
    expect(await within(pool.apply(tryAndRelease, [lock]), 'try when free')).toBe(true);
    expect(await lock.locked()).toBe(false);
  });

  test('acquire(true, timeout) resolves false once the timeout passes while the lock is held', async () => {
    await using pool = sidePool(side, 1);
    const lock = new Lock();
    await lock.acquire();
    expect(await within(pool.apply((l: Lock) => l.acquire(true, 0.05), [lock]), 'timed acquire')).toBe(false);
    await lock.release();
  });

  test('a worker waiting in acquire() goes on when the owner releases', async () => {
    await using pool = terminating(sidePool(side, 1));
    const lock = new Lock();
    const started = new Event();
    await lock.acquire();
    const waiter = pool.apply(
      async (l: Lock, e: Event) => {
        await e.set();
        const ok = await l.acquire();
        await l.release();
        return ok;
      },
      [lock, started],
    );
    await within(started.wait(), 'the waiter to start');
    await lock.release();
    expect(await within(waiter, 'the waiter')).toBe(true);
  });

  test('release() of an unheld Lock rejects with InvalidStateError in the worker too', async () => {
    await using pool = sidePool(side, 1);
    const lock = new Lock();
    const name = (l: Lock): Promise<string> => l.release().then(() => 'released', (error: Error) => `${error.name}: ${error.message}`);
    expect(await within(pool.apply(name, [lock]), 'release')).toMatch(/^InvalidStateError: release\(\) called on an unlocked Lock/);
    await expect(lock.release()).rejects.toThrow(InvalidStateError);
  });

  test('an RLock is reentrant for the worker that holds it, and only its holder may release it', async () => {
    await using pool = sidePool(side, 1);
    const lock = new RLock();
    const twice = async (l: RLock): Promise<boolean> => (await l.acquire()) && (await l.acquire(false));
    expect(await within(pool.apply(twice, [lock]), 'acquire twice')).toBe(true);
    expect(await lock.acquire(false)).toBe(false);
    await expect(lock.release()).rejects.toThrow(/held by another process or thread/);
    const releaseTwice = async (l: RLock): Promise<boolean> => {
      await l.release();
      const still = await l.locked();
      await l.release();
      return still && !(await l.locked());
    };
    expect(await within(pool.apply(releaseTwice, [lock]), 'release twice')).toBe(true);
    expect(await lock.acquire(false)).toBe(true);
    await lock.release();
  });

  test('a Semaphore counts permits taken in the worker; a BoundedSemaphore refuses one release too many', async () => {
    await using pool = sidePool(side, 1);
    const sem = new Semaphore(2);
    const takeTwo = async (s: Semaphore): Promise<boolean[]> => [await s.acquire(false), await s.acquire(false), await s.acquire(false)];
    expect(await within(pool.apply(takeTwo, [sem]), 'take')).toEqual([true, true, false]);
    expect(await sem.getValue()).toBe(0);
    await sem.release();
    expect(await sem.getValue()).toBe(1);
    const bounded = new BoundedSemaphore(1);
    const overRelease = (s: BoundedSemaphore): Promise<string> => s.release().then(() => 'released', (error: Error) => error.name);
    expect(await within(pool.apply(overRelease, [bounded]), 'over-release')).toBe('InvalidStateError');
    expect(await bounded.getValue()).toBe(1);
  });

  test('Event.wait() in the worker resolves when the owner sets it, and false after its timeout', async () => {
    await using pool = terminating(sidePool(side, 1));
    const event = new Event();
    expect(await within(pool.apply((e: Event) => e.wait(0.05), [event]), 'timed wait')).toBe(false);
    const started = new Event();
    const waiter = pool.apply(
      async (e: Event, s: Event) => {
        await s.set();
        return e.wait();
      },
      [event, started],
    );
    await within(started.wait(), 'the waiter to start');
    await event.set();
    expect(await within(waiter, 'wait')).toBe(true);
    expect(await event.isSet()).toBe(true);
    await event.clear();
    expect(await within(pool.apply((e: Event) => e.isSet(), [event]), 'isSet')).toBe(false);
  });

  test('a lock held by a worker that dies is released, and a waiter goes on', async () => {
    await using pool = sidePool(side, 1);
    const lock = new Lock();
    const holdThenDie = async (l: Lock): Promise<void> => {
      await l.acquire();
      process.exit(3); // a thread ends, a process ends: either way the holder is gone
    };
    await expect(within(pool.apply(holdThenDie, [lock]), 'the holder to die')).rejects.toThrow(WorkerLostError);
    expect(await within(lock.acquire(true, STEP_LIMIT - 5), 'acquire after the holder died')).toBe(true);
    await lock.release();
  });

  test('a shared primitive sent to a worker and back is the same object', async () => {
    await using pool = sidePool(side, 1);
    const lock = new RLock();
    const sem = new BoundedSemaphore(3);
    const [lockBack, semBack] = await within(pool.apply((l: RLock, s: BoundedSemaphore) => [l, s], [lock, sem]), 'round trip');
    expect(lockBack).toBe(lock);
    expect(semBack).toBe(sem);
  });
});

describe('in the owner', () => {
  test('hold() releases on dispose, and rejects with TimeoutError when the lock stays held', async () => {
    const lock = new Lock();
    {
      await using _held = await lock.hold();
      expect(await lock.locked()).toBe(true);
      await expect(lock.hold(0.01)).rejects.toThrow(TimeoutError);
    }
    expect(await lock.locked()).toBe(false);
  });

  test('bad arguments are clear errors', async () => {
    const lock = new Lock();
    await expect(lock.acquire('yes' as unknown as boolean)).rejects.toThrow(new TypeError('Expected `block` to be true or false, got `"yes"` (string)'));
    await expect(lock.acquire(true, -1)).rejects.toThrow(RangeError);
    await expect(lock.acquire(true, 'soon' as unknown as number)).rejects.toThrow(TypeError);
    expect(() => new Semaphore(-1)).toThrow(new RangeError('Expected `value` to be an integer >= 0, got `-1` (number)'));
    expect(() => new BoundedSemaphore(1.5)).toThrow(RangeError);
    await expect(new Event().wait(-2)).rejects.toThrow(RangeError);
  });

  test('an RLock counts its levels in the owner', async () => {
    const lock = new RLock();
    expect(await lock.acquire()).toBe(true);
    expect(await lock.acquire()).toBe(true);
    await lock.release();
    expect(await lock.locked()).toBe(true);
    await lock.release();
    expect(await lock.locked()).toBe(false);
    await expect(lock.release()).rejects.toThrow(InvalidStateError);
  });
});
