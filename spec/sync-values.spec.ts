/** Value, SharedArray (and Array), RawValue and RawArray: from the owner, a worker thread and a child process. */
import * as mp from 'multipool';
import { InvalidStateError, Lock, RawArray, RawValue, SharedArray, ThreadPool, Value } from 'multipool';

import { makePool, withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

/** Adds 1 to `counter` `n` times, each under its lock: a task for any side. */
async function increment(counter: Value, n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    const lock = counter.getLock();
    await lock.acquire();
    await counter.set((await counter.get()) + 1);
    await lock.release();
  }
  return n;
}

describe.each(SIDES)('from a worker (%s)', (side: Side) => {
  test('get() and set() reach the owner\'s memory, BigInt typecodes included', async () => {
    await using pool = sidePool(side, 1);
    const v = new Value('d', 1.5);
    const big = new Value('Q', 2n ** 63n);
    const swap = async (a: Value, b: Value<'Q'>): Promise<[number, bigint]> => {
      const seen: [number, bigint] = [await a.get(), await b.get()];
      await a.set(-0.25);
      await b.set(7n);
      return seen;
    };
    expect(await within(pool.apply(swap, [v, big]), 'swap')).toEqual([1.5, 2n ** 63n]);
    expect([v.value, big.value]).toEqual([-0.25, 7n]);
  });

  test('a SharedArray is read and written element by element, and copied whole by toArray()', async () => {
    await using pool = sidePool(side, 1);
    const a = new SharedArray('h', [1, 2, 3]);
    const edit = async (arr: SharedArray): Promise<number[]> => {
      await arr.set(2, -30);
      return [await arr.get(0), arr.length, ...(await arr.toArray())];
    };
    expect(await within(pool.apply(edit, [a]), 'edit')).toEqual([1, 3, 1, 2, -30]);
    expect([...a.view]).toEqual([1, 2, -30]);
  });

  test('a Value counted up under its lock by the owner and two workers ends exact', async () => {
    await using pool = sidePool(side, 2);
    const counter = new Value('i', 0);
    const n = 50;
    const counts = await within(Promise.all([pool.apply(increment, [counter, n]), pool.apply(increment, [counter, n]), increment(counter, n)]), 'count');
    expect(counts).toEqual([n, n, n]);
    expect(counter.value).toBe(3 * n);
  });

  test('getLock() in the worker is the same lock the owner holds', async () => {
    await using pool = sidePool(side, 1);
    const v = new Value('i', 0);
    await v.getLock().acquire();
    expect(await within(pool.apply((value: Value) => value.getLock().acquire(false), [v]), 'try the lock')).toBe(false);
    await v.getLock().release();
  });
});

test('the main thread, a ThreadPool worker and a Pool worker contend for one Lock and the count ends exact', async () => {
  await using threads = new ThreadPool(1);
  await using processes = makePool('process', 1);
  const counter = new RawValue('i', 0);
  const lock = new Lock();
  const bump = async (c: RawValue, l: Lock, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      await l.acquire();
      await c.set((await c.get()) + 1);
      await l.release();
    }
  };
  const n = 100;
  await within(Promise.all([threads.apply(bump, [counter, lock, n]), processes.apply(bump, [counter, lock, n]), bump(counter, lock, n)]), 'contention');
  expect(counter.value).toBe(3 * n);
});

test('.value and .view are synchronous in a worker thread and InvalidStateError in a child process, saying to use get/set', async () => {
  await using threads = new ThreadPool(1);
  await using processes = makePool('process', 1);
  const v = new Value('b', 5);
  const a = new RawArray('f', 2);
  const touch = (value: Value, arr: RawArray): string => {
    try {
      value.value = value.value + 1;
      arr.view[1] = 0.5;
      return 'ok';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  expect(await within(threads.apply(touch, [v, a]), 'thread')).toBe('ok');
  expect([v.value, ...a.view]).toEqual([6, 0, 0.5]);
  expect(await within(processes.apply(touch, [v, a]), 'process')).toMatch(/^InvalidStateError: Value\.value works only where the memory is shared.*use `await v\.get\(\)`/);
});

describe('in the owner', () => {
  test('Array is SharedArray, for import * as mp ports', () => {
    expect(mp.Array).toBe(SharedArray);
    expect(new mp.Array('d', 10).length).toBe(10);
  });

  test('typecodes map to their typed arrays; q/Q hold BigInts', () => {
    expect(new SharedArray('b', 1).view).toBeInstanceOf(Int8Array);
    expect(new SharedArray('I', 1).view).toBeInstanceOf(Uint32Array);
    expect(new SharedArray('q', 1).view).toBeInstanceOf(BigInt64Array);
    expect(new SharedArray('f', 1).view).toBeInstanceOf(Float32Array);
    expect(new Value('q').value).toBe(0n);
    expect(new Value('d').value).toBe(0);
  });

  test('a wrong typecode is a TypeError listing the valid ones', () => {
    expect(() => new Value('x' as 'd', 1)).toThrow(
      new TypeError("Expected `typecode` to be one of 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'f', 'd', got `\"x\"` (string)"),
    );
    expect(() => new SharedArray('u' as 'd', 3)).toThrow(TypeError);
  });

  test('values of the wrong kind, bad sizes and bad indexes are clear errors', async () => {
    expect(() => new Value('q', 1 as unknown as bigint)).toThrow(new TypeError("Expected `initial` to be a BigInt for typecode 'q', got `1` (number)"));
    expect(() => new Value('i', '1' as unknown as number)).toThrow(TypeError);
    const v = new Value('i', 0);
    expect(() => (v.value = 1n as unknown as number)).toThrow(TypeError);
    await expect(v.set('2' as unknown as number)).rejects.toThrow(TypeError);
    expect(() => new SharedArray('d', -1)).toThrow(RangeError);
    expect(() => new SharedArray('d', 2.5)).toThrow(RangeError);
    expect(() => new SharedArray('d', null as unknown as number)).toThrow(TypeError);
    expect(() => new SharedArray('d', ['a'] as unknown as number[])).toThrow(new TypeError("Expected `sizeOrValues[0]` to be a number for typecode 'd', got string"));
    const a = new SharedArray('d', 2);
    await expect(a.get(2)).rejects.toThrow(new RangeError('Expected `index` to be an integer from 0 to 1, got `2` (number)'));
    await expect(a.set(-1, 0)).rejects.toThrow(RangeError);
    expect(() => new Value('i', 0, { lock: 'yes' as unknown as boolean })).toThrow(TypeError);
  });

  test('getLock() is an RLock by default, the given lock, or an InvalidStateError for a Raw value', async () => {
    const lock = new Lock();
    expect(new Value('i', 0, { lock }).getLock()).toBe(lock);
    const own = new Value('i', 0).getLock();
    await own.acquire();
    expect(await own.acquire(false)).toBe(true); // reentrant
    expect(() => new RawValue('i').getLock()).toThrow(InvalidStateError);
    expect(() => new RawArray('i', 1).getLock()).toThrow(/has no lock/);
  });
});
