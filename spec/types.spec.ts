/** Type tests: `npm run typecheck` compiles this file; the runtime part only keeps jest happy. */
import type { ApplyResult, IMapIterator, MapResult } from 'multipool';
import { Pool, ThreadPool } from 'multipool';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_ok?: T): void {}

test('result types flow from the task function', async () => {
  await using pool = new ThreadPool({ processes: 1 });
  const squares = pool.map((x: number) => x * 2, [1, 2]);
  assertType<Equals<typeof squares, Promise<number[]>>>();
  const asyncSquares = pool.map(async (x: number) => String(x), [1]);
  assertType<Equals<typeof asyncSquares, Promise<string[]>>>();
  const applied = pool.apply((a: number, b: string) => ({ a, b }), [1, 'x']);
  assertType<Equals<typeof applied, Promise<{ a: number; b: string }>>>();
  const pending = pool.applyAsync(() => 1);
  assertType<Equals<typeof pending, ApplyResult<number>>>();
  const mapped = pool.mapAsync((x: string) => x.length, ['a']);
  assertType<Equals<typeof mapped, MapResult<number>>>();
  const lazy = pool.imap((x: number) => [x], [1]);
  assertType<Equals<typeof lazy, IMapIterator<number[]>>>();
  const star = pool.starmap((a: number, b: number) => a + b, [[1, 2]]);
  assertType<Equals<typeof star, Promise<number[]>>>();

  // @ts-expect-error the item type must match the function's parameter
  void pool.map((x: number) => x, ['a']).catch(() => {});
  // @ts-expect-error apply's args must match the parameters
  void pool.apply((a: number) => a, ['x']).catch(() => {});
  // @ts-expect-error starmap items must be argument tuples
  void pool.starmap((a: number, b: number) => a + b, [1, 2]).catch(() => {});
  expect(await Promise.all([squares, asyncSquares, applied, pending.get(), mapped.get(), star])).toEqual([[2, 4], ['1'], { a: 1, b: 'x' }, 1, [1], [3]]);
  await lazy.return();
});

test('Pool accepts a number or an options object', async () => {
  await using a = new Pool({ processes: 1, backend: 'async' });
  // @ts-expect-error processes must be a number
  expect(() => new Pool({ processes: '2' })).toThrow(RangeError);
  expect(a.processes).toBe(1);
});
