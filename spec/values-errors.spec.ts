/** What crosses the worker boundary: values bit for bit, errors as their own class, clear failures for what cannot. */
import { MaybeEncodingError, multiYield, Pool, RemoteTraceback, ThreadPoolExecutor } from 'multipool';

import { BACKENDS, makePool } from './support/helpers.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}

  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

describe.each(BACKENDS)('%s backend', (backend) => {
  test('typed arrays, Map, Set, Date, BigInt, nested objects, -0 and NaN round-trip unchanged', async () => {
    await using pool = makePool(backend);
    const value = {
      f64: new Float64Array([1.5, -0, NaN, Infinity]),
      u8: new Uint8Array([0, 255, 7]),
      map: new Map<unknown, unknown>([['a', 1], [2, { deep: [1, 2] }]]),
      set: new Set([1, 'two', 3n]),
      date: new Date(Date.UTC(2020, 1, 29)),
      big: 12345678901234567890n,
      nested: { a: [1, { b: [null, undefined, true] }], negZero: -0, nan: NaN },
    };
    const back = await pool.apply((v: typeof value) => v, [value]);
    expect(back).toEqual(value);
    expect(back.f64).toBeInstanceOf(Float64Array);
    expect(Object.is(back.f64[1], -0)).toBe(true);
    expect(Object.is(back.nested.negZero, -0)).toBe(true);
    expect(Number.isNaN(back.nested.nan)).toBe(true);
    expect(back.map).toBeInstanceOf(Map);
    expect(back.date.getTime()).toBe(value.date.getTime());
  });

  test('a Buffer stays a Buffer both ways, nested in arrays, objects, Maps and Sets; a Uint8Array stays a Uint8Array', async () => {
    await using pool = makePool(backend);
    const shared = Buffer.from('shared');
    const value = {
      top: Buffer.from('multipool'),
      list: [Buffer.from([1, 2, 3]), shared, shared],
      map: new Map([[Buffer.from('key'), { deep: Buffer.from('value') }]]),
      set: new Set([Buffer.from('member')]),
      plain: new Uint8Array([4, 5]),
    };
    type Value = typeof value;
    const buffersOf = (v: Value): unknown[] => [v.top, ...v.list, ...[...v.map].flatMap(([k, e]) => [k, e.deep]), ...v.set];
    const inWorker = await pool.apply(
      (v: Value) => [...[v.top, ...v.list, ...[...v.map].flatMap(([k, e]) => [k, e.deep]), ...v.set].map((b) => Buffer.isBuffer(b)), Buffer.isBuffer(v.plain), v.list[1] === v.list[2], v.top.toString()],
      [value],
    );
    expect(inWorker).toEqual([true, true, true, true, true, true, true, false, true, 'multipool']);
    const back = await pool.apply((v: Value) => v, [value]);
    expect(buffersOf(back).every((b) => Buffer.isBuffer(b))).toBe(true);
    expect(back.top.toString('hex')).toBe(value.top.toString('hex'));
    expect(Buffer.isBuffer(back.plain)).toBe(false);
    expect(back.plain).toBeInstanceOf(Uint8Array);
    const digest = await pool.apply(async (text: string) => (await import('node:crypto')).createHash('md5').update(text).digest(), ['multipool']);
    expect(Buffer.isBuffer(digest)).toBe(true);
    expect(digest.toString('hex')).toMatch(/^[0-9a-f]{32}$/);
  });

  test('Buffers stay Buffers in initargs, map results, streamed items and a thrown error', async () => {
    await using pool = makePool(backend, {
      processes: 1,
      initializer: (b: Buffer) => {
        (globalThis as { initBuffer?: unknown }).initBuffer = b;
      },
      initargs: [Buffer.from('init')],
    });
    expect(await pool.apply(() => Buffer.isBuffer((globalThis as { initBuffer?: unknown }).initBuffer))).toBe(true);
    const mapped = await pool.map((n: number) => Buffer.alloc(n, n), [1, 2, 3]);
    expect(mapped.map((b) => Buffer.isBuffer(b))).toEqual([true, true, true]);
    const streamed: unknown[] = [];
    for await (const item of multiYield(function* (n: number) {
      yield Buffer.from([n]);
      yield { inner: Buffer.from([n, n]) };
    }, [7], { mode: backend, workers: 1 })) {
      streamed.push(item);
    }
    expect(Buffer.isBuffer(streamed[0])).toBe(true);
    expect(Buffer.isBuffer((streamed[1] as { inner: unknown }).inner)).toBe(true);
    const error = (await pool
      .apply(() => {
        throw Object.assign(new Error('with data'), { data: Buffer.from('payload') });
      })
      .catch((e: unknown) => e)) as Error & { data: unknown };
    expect(Buffer.isBuffer(error.data)).toBe(true);
  });

  test('an 8 MB Float64Array survives the round trip bit for bit', async () => {
    await using pool = makePool(backend);
    const big = new Float64Array(1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = Math.sin(i) * 1e6;
    const back = await pool.apply((a: Float64Array) => a, [big]);
    expect(back).toBeInstanceOf(Float64Array);
    expect(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(big.buffer))).toBe(true);
    const sums = await pool.map((a: Float64Array) => a.reduce((s, x) => s + x, 0), [big, big.subarray(0, 10)]);
    expect(sums).toEqual([big.reduce((s, x) => s + x, 0), big.subarray(0, 10).reduce((s, x) => s + x, 0)]);
  });

  test('a task throwing TypeError rejects with a TypeError whose cause is a RemoteTraceback', async () => {
    await using pool = makePool(backend);
    const error = (await pool
      .apply(() => {
        const e = new TypeError('wrong type') as TypeError & { code: string; detail: unknown };
        e.code = 'E_WRONG';
        e.detail = { n: 1 };
        throw e;
      })
      .catch((e: unknown) => e)) as TypeError & { code: string; detail: unknown };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('wrong type');
    expect(error.code).toBe('E_WRONG');
    expect(error.detail).toEqual({ n: 1 });
    expect(error.cause).toBeInstanceOf(RemoteTraceback);
    expect((error.cause as RemoteTraceback).tb).toContain('wrong type');
    expect((error.cause as RemoteTraceback).code).toBe('ERR_REMOTE_TRACEBACK');
  });

  test('a custom error class keeps its name; a thrown non-Error comes back as itself', async () => {
    await using pool = makePool(backend);
    const custom = (await pool
      .apply(() => {
        class ParseError extends Error {
          override name = 'ParseError';
        }
        throw new ParseError('bad input');
      })
      .catch((e: unknown) => e)) as Error;
    expect(custom).toBeInstanceOf(Error);
    expect(custom.name).toBe('ParseError');
    expect(custom.message).toBe('bad input');
    await expect(pool.apply(() => { throw { status: 404 }; })).rejects.toEqual({ status: 404 });
  });
});

describe.each(['process', 'thread'] as const)('%s backend (cloned values)', (backend) => {
  test('an unclonable argument rejects with a TypeError naming the argument, and the next map works', async () => {
    await using pool = makePool(backend);
    const applyError = (await pool.apply((_a: number, _f: () => number) => 1, [1, () => 2]).catch((e: unknown) => e)) as Error;
    expect(applyError).toBeInstanceOf(TypeError);
    expect(applyError.message).toMatch(/^Cannot send argument 1 to a worker: .*could not be cloned/);
    const mapError = (await pool.map((x: unknown) => x, [1, 2, Symbol('s'), 4], 1).catch((e: unknown) => e)) as Error;
    expect(mapError).toBeInstanceOf(TypeError);
    expect(mapError.message).toMatch(/argument 0 of input item 2/);
    expect(await pool.map((x: number) => x * 2, [1, 2, 3])).toEqual([2, 4, 6]);
  });

  test('an unclonable result rejects with MaybeEncodingError and the pool stays usable', async () => {
    await using pool = makePool(backend);
    const error = (await pool.apply(() => ({ fn: () => 1 })).catch((e: unknown) => e)) as MaybeEncodingError;
    expect(error).toBeInstanceOf(MaybeEncodingError);
    expect(error.code).toBe('ERR_MAYBE_ENCODING');
    expect(error.value).toMatch(/object/);
    expect(error.exc).toBeInstanceOf(Error);
    const results = await Promise.allSettled([pool.apply(() => 1), pool.apply(() => Symbol('x')), pool.apply(() => 3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await pool.map((x: number) => x + 1, [1])).toEqual([2]);
  });
});

describe.each(['process', 'thread'] as const)('%s backend (class instances)', (backend) => {
  test('apply() with a class instance argument rejects with a TypeError naming the argument, the class and the fix', async () => {
    await using pool = makePool(backend);
    const error = (await pool.apply((p: Point) => p.norm(), [new Point(3, 4)]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^Cannot send argument 0 to a worker: it is a Point instance, which would arrive as a plain object/);
    expect(error.message).toContain('task(import.meta.url, fn)');
    const nested = (await pool.apply((_n: number, o: { at: Point[] }) => o, [1, { at: [new Point(1, 1)] }]).catch((e: unknown) => e)) as Error;
    expect(nested).toBeInstanceOf(TypeError);
    expect(nested.message).toMatch(/^Cannot send argument 1 to a worker: it holds a Point instance/);
    expect(await pool.apply((x: number) => x + 1, [1])).toBe(2);
  });

  test('map() fails on the item that holds a class instance; the other chunks run', async () => {
    await using pool = makePool(backend);
    const error = (await pool.map((p: { x: number }) => p.x, [{ x: 1 }, { x: 2 }, new Point(3, 4), { x: 4 }], 1).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/argument 0 of input item 2 to a worker: it is a Point instance/);
    const url = (await pool.map((m: Map<string, URL>) => m.size, [new Map([['u', new URL('https://example.com/')]])]).catch((e: unknown) => e)) as Error;
    expect(url.message).toMatch(/it holds a URL instance/);
  });

  test('a task that returns a class instance rejects with MaybeEncodingError that names the class', async () => {
    await using pool = makePool(backend);
    const error = (await pool
      .apply(() => {
        class Money {
          constructor(readonly cents: number) {}
        }
        return [new Money(5)];
      })
      .catch((e: unknown) => e)) as MaybeEncodingError;
    expect(error).toBeInstanceOf(MaybeEncodingError);
    expect(error.message).toMatch(/Error sending result: .*Reason: it holds a Money instance, which would arrive as a plain object/);
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        pool.apply((k: number) => {
          class Box {
            readonly held = k;
          }
          return k === 2 ? new Box() : k;
        }, [n]),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  test('built-ins, Errors and null-prototype objects cross without complaint', async () => {
    await using pool = makePool(backend);
    const bare = Object.assign(Object.create(null) as Record<string, number>, { a: 1 });
    const value = [new Date(0), /re/g, new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), new RangeError('r'), Buffer.from('hi'), bare, new Set([new Map([[1, [2]]])])];
    const back = await pool.apply((v: unknown[]) => v.map((x) => Object.prototype.toString.call(x)), [value]);
    expect(back).toEqual(value.map((x) => Object.prototype.toString.call(x)));
    expect(await pool.apply(() => [new Date(0), new Map(), /x/, new Uint16Array(2), Object.create(null) as object])).toHaveLength(5);
  });

  test('an executor future and initargs refuse class instances too', async () => {
    await using executor = new ThreadPoolExecutor(1);
    await expect(executor.submit((p: Point) => p.x, new Point(1, 2))).rejects.toThrow(/argument 0 to a worker: it is a Point instance/);
    expect(() => new Pool({ processes: 1, backend, initializer: () => {}, initargs: [new Point(1, 2)] })).toThrow(/`initargs` argument 0 .*it is a Point instance/);
  });
});

test('the async backend passes class instances by reference: their methods work', async () => {
  await using pool = makePool('async');
  expect(await pool.apply((p: Point) => p.norm(), [new Point(3, 4)])).toBe(5);
  expect(await pool.apply(() => new Point(1, 0))).toBeInstanceOf(Point);
});
