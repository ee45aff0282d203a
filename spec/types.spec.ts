/** Type tests: `npm run typecheck` compiles this file; the runtime part only keeps jest happy. */
import type { ApplyResult, CompletedFuture, Future, IMapIterator, MapResult } from 'multipool';
import { asCompleted, Pool, Process, ThreadPool, ThreadPoolExecutor, wait } from 'multipool';

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

test('asCompleted and wait take a port of future_to_url with no cast: Map keys, or the Map itself', async () => {
  await using executor = new ThreadPoolExecutor(2);
  const urls = ['a', 'bb'];
  const length = (url: string): number => url.length;
  // future_to_url = {executor.submit(load, url): url for url in urls}, keyed by Future as inferred.
  const futureToUrl = new Map(urls.map((url) => [executor.submit(length, url), url] as const));
  assertType<Equals<typeof futureToUrl, Map<Future<number>, string>>>();
  const seen: string[] = [];
  for await (const future of asCompleted(futureToUrl.keys())) {
    const url: string | undefined = futureToUrl.get(future);
    const size: number = await future.result();
    seen.push(`${url}:${size}`);
  }
  // for future in as_completed(future_to_url): a Map stands for its keys, as a dict does in Python.
  for await (const future of asCompleted(futureToUrl, 10)) seen.push(`${futureToUrl.get(future)}:${await future.result()}`);
  // Keyed by CompletedFuture, as asCompleted used to require.
  const byCompleted = new Map<CompletedFuture<number>, string>([...futureToUrl]);
  for await (const future of asCompleted(byCompleted.keys())) seen.push(`${byCompleted.get(future)}:${await future.result()}`);
  for await (const future of asCompleted(byCompleted)) seen.push(`${byCompleted.get(future)}:${await future.result()}`);
  const { done, notDone } = await wait(futureToUrl, { timeout: 10 });
  assertType<Equals<typeof done, Set<Future<number>>>>();
  const waited = await wait(byCompleted.keys());
  assertType<Equals<typeof waited.notDone, Set<CompletedFuture<number>>>>();
  for (const future of done) seen.push(`${futureToUrl.get(future)}`);

  for await (const future of asCompleted([executor.submit(length, 'ccc')])) {
    // @ts-expect-error a yielded future is the future, not its result
    const size: number = future;
    // @ts-expect-error awaiting `then` directly would give the result: it is not offered
    void future.then(() => 1);
    seen.push(typeof size);
  }
  // @ts-expect-error only futures
  expect(() => asCompleted([1, 2])).toThrow(TypeError);
  expect(seen.sort()).toEqual(['object', 'a', 'a:1', 'a:1', 'a:1', 'a:1', 'bb', 'bb:2', 'bb:2', 'bb:2', 'bb:2'].sort());
  expect(notDone.size + waited.notDone.size).toBe(0);
});

test('Process args are typed from its target', () => {
  const positional = new Process((a: number, b: string) => `${a}${b}`, [1, 'x']);
  const options = new Process({ target: (a: number) => a, args: [1] });
  // @ts-expect-error args must match the target's parameters
  const wrongPositional = new Process((a: number) => a, ['x']);
  // @ts-expect-error args must match the target's parameters, in the options form too
  const wrongOptions = new Process({ target: (a: number) => a, args: ['x'] });
  assertType<Equals<typeof positional.exitCode, number | null>>();
  assertType<Equals<typeof options.pid, number | undefined>>();
  expect([positional, options, wrongPositional, wrongOptions].map((p) => p.isAlive())).toEqual([false, false, false, false]);
});
