/** imap / imapUnordered: order, laziness, timeouts, errors and early exit, on every backend. */
import { TimeoutError } from 'multipool';

import { MIN_LOOKAHEAD } from '../dist/engine/chunk-feeder.js';
import { BACKENDS, deferred, makePool, range } from './support/helpers.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe.each(BACKENDS)('%s backend', (backend) => {
  test('imap() yields results in input order, for chunksize 1 and larger', async () => {
    await using pool = makePool(backend);
    const xs = range(500);
    expect(await collect(pool.imap((x: number) => x * 3, xs))).toEqual(xs.map((x) => x * 3));
    expect(await collect(pool.imap((x: number) => x * 3, xs, 7))).toEqual(xs.map((x) => x * 3));
    expect(await collect(pool.imap((x: number) => x * 3, xs, { chunksize: 100 }))).toEqual(xs.map((x) => x * 3));
  });

  test('imapUnordered() sorted equals map()', async () => {
    await using pool = makePool(backend);
    const xs = range(300);
    const unordered = await collect(pool.imapUnordered((x: number) => x * x, xs, 4));
    expect(unordered.sort((a, b) => a - b)).toEqual(await pool.map((x: number) => x * x, xs));
  });

  test('imap() over an infinite generator: take 20, break; the source was pulled no further than the look-ahead and the pool serves on', async () => {
    await using pool = makePool(backend);
    let pulled = 0;
    let returned = false;
    function* naturals(): Generator<number> {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        returned = true;
      }
    }
    const taken: number[] = [];
    for await (const x of pool.imap((n: number) => n * 2, naturals())) {
      taken.push(x);
      if (taken.length === 20) break;
    }
    expect(taken).toEqual(range(20).map((x) => x * 2));
    // The documented bound: max(MIN_LOOKAHEAD, 4 × processes × chunksize) items ahead of the 20 consumed.
    expect(pulled).toBeLessThanOrEqual(20 + MIN_LOOKAHEAD);
    expect(returned).toBe(true);
    expect(await pool.apply((a: number) => a + 1, [1])).toBe(2);
  });

  test('an infinite imap does not block a later applyAsync', async () => {
    await using pool = makePool(backend);
    function* forever(): Generator<number> {
      for (let i = 0; ; i++) yield i;
    }
    const iterator = pool.imap((n: number) => n, forever());
    expect((await iterator.next()).value).toBe(0);
    expect(await pool.applyAsync(() => 'served').get()).toBe('served');
    await iterator.return();
  });

  test('next(timeout) rejects with TimeoutError and loses nothing: the next call gets that item', async () => {
    await using pool = makePool(backend);
    const gate = deferred();
    async function* gated(): AsyncGenerator<number> {
      yield 1;
      await gate.promise;
      yield 2;
    }
    const iterator = pool.imap((x: number) => x * 10, gated());
    expect(await iterator.next()).toEqual({ done: false, value: 10 });
    await expect(iterator.next(0.05)).rejects.toBeInstanceOf(TimeoutError);
    gate.resolve();
    expect(await iterator.next(30)).toEqual({ done: false, value: 20 });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  test('with chunksize 1 a failed item rejects that next() and iteration continues', async () => {
    await using pool = makePool(backend);
    const iterator = pool.imap((x: number) => {
      if (x === 2) throw new RangeError('two');
      return x;
    }, range(5));
    const seen: unknown[] = [];
    for (;;) {
      try {
        const step = await iterator.next();
        if (step.done) break;
        seen.push(step.value);
      } catch (error) {
        seen.push(error instanceof RangeError ? `error ${error.message}` : error);
      }
    }
    expect(seen).toEqual([0, 1, 'error two', 3, 4]);
  });

  test('an error in the input yields the earlier results, then throws that error', async () => {
    await using pool = makePool(backend);
    const boom = new Error('input broke');
    function* gen(): Generator<number> {
      yield 1;
      yield 2;
      throw boom;
    }
    const seen: number[] = [];
    const error = await (async () => {
      for await (const x of pool.imap((n: number) => n, gen())) seen.push(x);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1, 2]);
    expect(error).toBe(boom);
  });
});
