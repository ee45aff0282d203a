/** Manager and its proxies (dict, list, Namespace, primitives): from the owner, a worker thread and a child process. */
import type { DictProxy, ListProxy, NamespaceProxy, Queue } from 'multipool';
import { Event, InvalidStateError, Lock, Manager } from 'multipool';

import { terminating, withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

describe.each(SIDES)('from a worker (%s)', (side: Side) => {
  test('every dict method works from the worker, each one step at the owner', async () => {
    await using manager = new Manager();
    await using pool = sidePool(side, 1);
    const d = manager.dict<string>({ a: 1 });
    const exercise = async (dict: DictProxy<string>): Promise<unknown[]> => {
      await dict.set('b', [2n]);
      await dict.update({ c: 3, d: 4 });
      return [
        await dict.get('a'),
        await dict.get('zz', 'fallback'),
        await dict.has('b'),
        await dict.delete('d'),
        await dict.keys(),
        await dict.values(),
        await dict.size(),
        await dict.pop('c'),
        await dict.pop('c', 'gone'),
        await dict.setdefault('e', 5),
        await dict.setdefault('e', 6),
        await dict.items(),
      ];
    };
    expect(await within(pool.apply(exercise, [d]), 'exercise')).toEqual([
      1,
      'fallback',
      true,
      true,
      ['a', 'b', 'c'],
      [1, [2n], 3],
      3,
      3,
      'gone',
      5,
      5,
      [['a', 1], ['b', [2n]], ['e', 5]],
    ]);
    expect(await d.copy()).toEqual(new Map<string, unknown>([['a', 1], ['b', [2n]], ['e', 5]]));
    await d.clear();
    expect(await d.size()).toBe(0);
  });

  test('every list method works from the worker, negative indexes included', async () => {
    await using manager = new Manager();
    await using pool = sidePool(side, 1);
    const l = manager.list<number>([1, 2]);
    const exercise = async (list: ListProxy<number>): Promise<unknown[]> => {
      await list.append(3);
      await list.extend([4, 4]);
      await list.insert(0, 0);
      await list.set(-1, 5);
      await list.remove(4);
      return [await list.get(-1), await list.pop(), await list.pop(0), await list.index(3), await list.count(4), await list.length(), await list.toArray()];
    };
    expect(await within(pool.apply(exercise, [l]), 'exercise')).toEqual([5, 5, 0, 2, 0, 3, [1, 2, 3]]);
    await l.clear();
    expect(await l.length()).toBe(0);
  });

  test('a Namespace set in the worker is read in the owner', async () => {
    await using manager = new Manager();
    await using pool = sidePool(side, 1);
    const ns = manager.Namespace();
    await within(pool.apply((n: NamespaceProxy) => n.set('phase', { step: 2 }), [ns]), 'set');
    expect(await ns.get('phase')).toEqual({ step: 2 });
  });

  test('after shutdown, every pending and later proxy call from the worker rejects promptly with InvalidStateError', async () => {
    const manager = new Manager();
    await using pool = terminating(sidePool(side, 2));
    const q = manager.Queue<number>();
    const d = manager.dict();
    const lock = manager.Lock();
    const waiting = new Event();
    await lock.acquire();
    const pending = pool.apply(
      async (queue: Queue<number>, l: Lock, e: Event): Promise<string[]> => {
        const name = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (error: Error) => error.name);
        const both = Promise.all([name(queue.get()), name(l.acquire())]);
        await e.set();
        return both;
      },
      [q, lock, waiting],
    );
    await within(waiting.wait(), 'the worker to wait');
    await manager.shutdown();
    expect(await within(pending, 'the pending calls')).toEqual(['InvalidStateError', 'InvalidStateError']);
    const later = (dict: DictProxy, queue: Queue<number>): Promise<string[]> => {
      const name = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (error: Error) => `${error.name}: ${error.message}`);
      // A set is sent one way (no answer): the shutdown notice makes it fail here all the same.
      return Promise.all([name(dict.get('x')), name(queue.put(1)), name(dict.set('y', 1))]);
    };
    const names = await within(pool.apply(later, [d, q]), 'later calls');
    for (const name of names) expect(name).toMatch(/^InvalidStateError: This shared primitive was shut down/);
  });
});

describe('in the owner', () => {
  test('shutdown() resolves while a worker that uses the manager is blocked and cannot read its notice', async () => {
    const manager = new Manager();
    await using pool = sidePool('thread', 1);
    const d = manager.dict<string, number>();
    const words = new Int32Array(new SharedArrayBuffer(8));
    const blocked = pool.apply(
      async (dict: DictProxy<string, number>, memory: Int32Array): Promise<string> => {
        await dict.get('x');
        Atomics.store(memory, 0, 1);
        Atomics.notify(memory, 0);
        // Blocks the thread: its socket is not read until the owner lets it go.
        Atomics.wait(memory, 1, 0);
        return 'released';
      },
      [d, words],
    );
    const waitAsync = (Atomics as unknown as { waitAsync: (w: Int32Array, i: number, v: number) => { value: Promise<string> | string } }).waitAsync;
    const started = waitAsync(words, 0, 0).value;
    try {
      await within(Promise.resolve(started), 'the worker to block');
      await within(manager.shutdown(), 'shutdown');
    } finally {
      Atomics.store(words, 1, 1);
      Atomics.notify(words, 1);
    }
    expect(await within(blocked, 'the worker to go on')).toBe('released');
  });

  test('a Manager\'s Value and Array work until shutdown, then fail with InvalidStateError, their locks too', async () => {
    const manager = new Manager();
    const v = manager.Value('i', 3);
    const a = manager.Array('d', [1, 2]);
    await v.set(4);
    expect([v.value, await a.get(1)]).toEqual([4, 2]);
    await manager.shutdown();
    expect(() => v.value).toThrow(InvalidStateError);
    await expect(a.toArray()).rejects.toThrow(InvalidStateError);
    await expect(v.getLock().acquire()).rejects.toThrow(InvalidStateError);
    await manager.shutdown(); // a second time does nothing
  });

  test('await using shuts the manager down; its factories then throw InvalidStateError', async () => {
    let kept: Manager | undefined;
    let event: Event | undefined;
    {
      await using manager = new Manager();
      kept = manager;
      event = manager.Event();
      const sem = manager.Semaphore(2);
      expect(await sem.getValue()).toBe(2);
      expect(manager.RLock()).toBeInstanceOf(Lock);
      expect(manager.JoinableQueue()).toBeDefined();
    }
    await expect(event.isSet()).rejects.toThrow(InvalidStateError);
    expect(() => kept.dict()).toThrow(new InvalidStateError('This Manager was shut down: make a new Manager'));
  });

  test('bad keys, missing keys, bad indexes and missing values are clear errors', async () => {
    await using manager = new Manager();
    const d = manager.dict<string, number>();
    await expect(d.set({} as unknown as string, 1)).rejects.toThrow(new TypeError('Expected a dict key to be a string, number, bigint or boolean, got an object (Object)'));
    await expect(d.pop('nope')).rejects.toThrow(RangeError);
    await expect(d.set('f', (() => 1) as unknown as number)).rejects.toThrow(TypeError);
    expect(() => manager.dict(5 as unknown as Record<string, number>)).toThrow(TypeError);
    const l = manager.list<number>();
    await expect(l.pop()).rejects.toThrow(new RangeError('pop() from an empty list'));
    await l.append(1);
    await expect(l.get(1)).rejects.toThrow(/index 1 is out of range for a list of 1/);
    await expect(l.get(1.5)).rejects.toThrow(RangeError);
    await expect(l.remove(7)).rejects.toThrow(RangeError);
    await expect(l.index(7)).rejects.toThrow(RangeError);
    expect(() => manager.list(3 as unknown as number[])).toThrow(TypeError);
    const ns = manager.Namespace();
    await expect(ns.get('missing')).rejects.toThrow(new RangeError("The Namespace has nothing named 'missing'"));
    await expect(ns.set(1 as unknown as string, 1)).rejects.toThrow(TypeError);
  });
});
