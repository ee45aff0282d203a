/** apply / applyAsync / map / mapAsync / starmap: one behaviour suite for every backend. */
import { ApplyResult, InvalidStateError, MapResult } from 'multipool';

import { BACKENDS, eventually, makePool, range, withinSeconds } from './support/helpers.js';

describe.each(BACKENDS)('%s backend', (backend) => {
  test('map() keeps input order for every chunksize, including chunksize > n', async () => {
    await using pool = makePool(backend);
    const xs = range(1000);
    const expected = xs.map((x) => x * x);
    expect(await pool.map((x: number) => x * x, xs)).toEqual(expected);
    for (const chunksize of [1, 7, 999, 5000]) {
      expect(await pool.map((x: number) => x * x, xs, chunksize)).toEqual(expected);
    }
  });

  test('map() gives back every number as itself, -0, NaN and the infinities among a long run of numbers', async () => {
    await using pool = makePool(backend);
    const special = [-0, NaN, Infinity, -Infinity, 0.1, 2 ** 53 + 2, -(2 ** 31)];
    const xs = [...special, ...range(5000).map((x) => x * 1.25)];
    const back = await pool.map((x: number) => x, xs, 2000);
    expect(back.length).toBe(xs.length);
    expect(back.every((value, i) => Object.is(value, xs[i]))).toBe(true);
    // Mixed in one chunk, numbers and other values come back as they were.
    const mixed = [...range(300), 'seven', null, undefined, 8n];
    expect(await pool.map((x: unknown) => x, mixed)).toEqual(mixed);
  });

  test('mapAsync() works on the input as it was at the call: changing the array afterwards changes nothing', async () => {
    await using pool = makePool(backend);
    // Chunks of 100 are cut from the array at the call, chunks of 3 from a copy of it as they go out.
    for (const chunksize of [100, 3]) {
      const xs = range(1000);
      const result = pool.mapAsync((x: number) => x + 1, xs, chunksize);
      xs.fill(-1);
      xs.length = 10;
      expect(await result.get()).toEqual(range(1000).map((x) => x + 1));
    }
  });

  test('map() over numbers whose results stop being numbers partway through a chunk keeps every result in place', async () => {
    await using pool = makePool(backend);
    const xs = range(3000);
    // Chunks of 1000 numbers cross as blocks; their results switch kind at 300, 1500 and 2400.
    const mixed = (x: number): unknown => (x === 300 ? 'three hundred' : x === 1500 ? { x } : x === 2400 ? Promise.resolve(-x) : x * 0.5);
    const back = await pool.map(mixed, xs, 1000);
    expect(back).toEqual(xs.map((x) => (x === 300 ? 'three hundred' : x === 1500 ? { x } : x === 2400 ? -x : x * 0.5)));
    // A failure partway through a chunk of numbers fails the map with that error.
    await expect(pool.map((x: number) => (x === 1200 ? (() => { throw new RangeError(`bad ${x}`); })() : x), xs, 1000)).rejects.toThrow('bad 1200');
  });

  test('map() of an empty input is [] and of one item is that result', async () => {
    await using pool = makePool(backend);
    expect(await pool.map((x: number) => x + 1, [])).toEqual([]);
    expect(await pool.map((x: number) => x + 1, [41])).toEqual([42]);
  });

  test('map() and imap() walk a string character by character, as Python does', async () => {
    await using pool = makePool(backend);
    expect(await pool.map((c: string) => c.toUpperCase(), 'abc')).toEqual(['A', 'B', 'C']);
    const seen: string[] = [];
    for await (const c of pool.imap((c: string) => c + c, 'xy')) seen.push(c);
    expect(seen).toEqual(['xx', 'yy']);
  });

  test('map() reads generators and async iterables', async () => {
    await using pool = makePool(backend);
    function* gen(): Generator<number> {
      for (let i = 0; i < 50; i++) yield i;
    }
    async function* agen(): AsyncGenerator<number> {
      for (let i = 0; i < 50; i++) yield i;
    }
    const expected = range(50).map((x) => x * 2);
    expect(await pool.map((x: number) => x * 2, gen())).toEqual(expected);
    expect(await pool.map((x: number) => x * 2, agen(), 3)).toEqual(expected);
  });

  test('map() rejects with the input iterable\'s own error, unwrapped', async () => {
    await using pool = makePool(backend);
    const boom = new SyntaxError('input broke');
    function* gen(): Generator<number> {
      yield 1;
      throw boom;
    }
    await expect(pool.map((x: number) => x, gen())).rejects.toBe(boom);
    expect(await pool.map((x: number) => x, [1])).toEqual([1]);
  });

  test('map() with a failing item rejects with the first error only after every chunk finished', async () => {
    await using pool = makePool(backend);
    const done: number[] = [];
    pool.on('taskDone', (event) => done.push(event.index));
    const xs = range(40);
    const error = await pool
      .map(
        (x: number) => {
          if (x === 3) throw new RangeError(`bad ${x}`);
          return x;
        },
        xs,
        4,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('bad 3');
    expect(done.sort((a, b) => a - b)).toEqual(range(10).map((i) => i * 4));
  });

  test('map() awaits async task functions in the worker', async () => {
    await using pool = makePool(backend);
    const result = await pool.map(async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return x * 10;
    }, [1, 2, 3]);
    expect(result).toEqual([10, 20, 30]);
  });

  test('map() accepts chunksize and options in every documented form', async () => {
    await using pool = makePool(backend);
    const seen: number[][] = [];
    const options = { callback: (value: number[]) => seen.push(value) };
    expect(await pool.map((x: number) => x, [1, 2], 1, options)).toEqual([1, 2]);
    expect(await pool.map((x: number) => x, [3, 4], { chunksize: 1, ...options })).toEqual([3, 4]);
    expect(await pool.map((x: number) => x, [5], undefined, options)).toEqual([5]);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });

  test('apply() spreads args and resolves with the result', async () => {
    await using pool = makePool(backend);
    expect(await pool.apply((a: number, b: string) => `${b}${a}`, [1, 'x'])).toBe('x1');
    expect(await pool.apply(() => 'no args')).toBe('no args');
  });

  test('applyAsync() returns an ApplyResult at once: ready/successful/wait/get', async () => {
    await using pool = makePool(backend);
    const result = pool.applyAsync(async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return x + 1;
    }, [1]);
    expect(result).toBeInstanceOf(ApplyResult);
    expect(result.ready()).toBe(false);
    expect(() => result.successful()).toThrow(InvalidStateError);
    await result.wait();
    expect(result.ready()).toBe(true);
    expect(result.successful()).toBe(true);
    expect(await result.get()).toBe(2);
    expect(await result.get(0)).toBe(2);
  });

  test('applyAsync() results complete in submission order on one worker, map in input order', async () => {
    await using pool = makePool(backend, 1);
    const order: number[] = [];
    const results = range(10).map((i) => pool.applyAsync((x: number) => x, [i], { callback: (value) => order.push(value) }));
    expect(await Promise.all(results.map((r) => r.get()))).toEqual(range(10));
    expect(order).toEqual(range(10));
  });

  test('applyAsync() calls callback or errorCallback exactly once', async () => {
    await using pool = makePool(backend);
    const calls: string[] = [];
    const ok = pool.applyAsync((x: number) => x, [1], { callback: (v) => calls.push(`ok ${v}`), errorCallback: () => calls.push('bad') });
    const bad = pool.applyAsync(
      () => {
        throw new Error('nope');
      },
      [],
      { callback: () => calls.push('ok?'), errorCallback: (e) => calls.push(`error ${(e as Error).message}`) },
    );
    await ok.wait();
    await bad.wait();
    expect(calls.sort()).toEqual(['error nope', 'ok 1']);
    expect(bad.successful()).toBe(false);
  });

  test('a result asked for only after it finished gives its value or its own error, and one nobody asks for rejects nowhere', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      await using pool = makePool(backend);
      const ok = pool.applyAsync((x: number) => x * 2, [21]);
      const bad = pool.applyAsync((message: string) => {
        throw new RangeError(message);
      }, ['late']);
      const ignored = pool.applyAsync(() => {
        throw new Error('nobody asks');
      });
      const ignoredMap = pool.mapAsync((x: number) => {
        if (x === 2) throw new Error('nobody asks either');
        return x;
      }, [1, 2, 3]);
      expect(await eventually(() => [ok, bad, ignored, ignoredMap].every((result) => result.ready()))).toBe(true);
      expect(await ok.get()).toBe(42);
      expect(await ok.get(1)).toBe(42);
      const error = (await bad.get().catch((caught: unknown) => caught)) as RangeError;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('late');
      await bad.wait();
      expect(bad.successful()).toBe(false);
      // Node reports unhandled rejections once the microtask queue drains; two turns of the loop are plenty.
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  test('mapAsync() calls callback once with the whole list, errorCallback once with the first error', async () => {
    await using pool = makePool(backend);
    const lists: number[][] = [];
    const errors: unknown[] = [];
    const result = pool.mapAsync((x: number) => x * 2, range(20), 3, { callback: (list) => lists.push(list), errorCallback: (e) => errors.push(e) });
    expect(result).toBeInstanceOf(MapResult);
    expect(await result.get()).toEqual(range(20).map((x) => x * 2));
    expect(lists).toEqual([range(20).map((x) => x * 2)]);
    const failing = pool.mapAsync(
      (x: number) => {
        if (x % 5 === 0) throw new Error(`bad ${x}`);
        return x;
      },
      range(20),
      { chunksize: 1, callback: (list) => lists.push(list), errorCallback: (e) => errors.push(e) },
    );
    await failing.wait();
    expect(failing.successful()).toBe(false);
    expect(lists).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toMatch(/^bad (0|5|10|15)$/);
  });

  test('starmap() equals a local starmap', async () => {
    await using pool = makePool(backend);
    const pairs = range(16).map((i): [number, number] => [2 * i, 2 * i + 1]);
    const local = pairs.map(([a, b]) => a + b);
    expect(await pool.starmap((a: number, b: number) => a + b, pairs)).toEqual(local);
    expect(await pool.starmap((a: number, b: number) => a + b, pairs, 5)).toEqual(local);
    expect(await pool.starmapAsync((a: number, b: number) => a * b, pairs).get()).toEqual(pairs.map(([a, b]) => a * b));
  });

  test('a callback that throws is emitted on the error event and the pool keeps working', async () => {
    await using pool = makePool(backend);
    const thrown = new Error('callback broke');
    const seen: unknown[] = [];
    pool.on('error', (error) => seen.push(error));
    const result = pool.applyAsync((x: number) => x, [1], {
      callback: () => {
        throw thrown;
      },
    });
    expect(await result.get()).toBe(1);
    expect(seen).toEqual([thrown]);
    await pool.mapAsync((x: number) => x, [1, 2], { callback: () => { throw thrown; } }).wait();
    expect(seen).toEqual([thrown, thrown]);
    expect(await pool.map((x: number) => x + 1, [1, 2])).toEqual([2, 3]);
  });

  test('emits workerStart, taskStart and taskDone events', async () => {
    await using pool = makePool(backend, 1);
    const events: string[] = [];
    pool.on('taskStart', (e) => events.push(`start ${e.job}:${e.index}`));
    pool.on('taskDone', (e) => events.push(`done ${e.job}:${e.index}`));
    const result = pool.applyAsync((x: number) => x, [1]);
    await result.get();
    expect(events).toEqual([`start ${result.id}:0`, `done ${result.id}:0`]);
  });
});

describe('map() over an endless input', () => {
  function* naturals(): Generator<number> {
    for (let i = 0; ; i++) yield i;
  }
  async function* asyncNaturals(): AsyncGenerator<number> {
    yield* naturals();
  }

  test.each([
    ['a generator', naturals],
    ['an async generator', asyncNaturals],
  ])('map() over %s that never ends rejects with a RangeError that points to imap', async (_, endless) => {
    await using pool = makePool('async', 1);
    const error = await withinSeconds(120, pool.map((x: number) => x, endless()).catch((e: unknown) => e), 'map() over an endless input');
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/map\(\) reads its whole input .*imap\(\) or imapUnordered\(\)/);
    // The pool is not hurt.
    expect(await pool.map((x: number) => x + 1, [1, 2])).toEqual([2, 3]);
  });
});
