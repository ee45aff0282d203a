/** What crosses the worker boundary: values bit for bit, errors as their own class, clear failures for what cannot. */
import { MaybeEncodingError, RemoteTraceback } from 'multipool';

import { BACKENDS, makePool } from './support/helpers.js';

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
