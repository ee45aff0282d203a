/** Bad input gets a clear error that names the argument, at the call. */
import { Pool, ThreadPool } from 'multipool';

describe('Pool options', () => {
  test.each([0, -1, 1.5, Number.NaN, '2'])('processes %p is a RangeError naming processes', (processes) => {
    expect(() => new Pool(processes as number)).toThrow(RangeError);
    expect(() => new Pool({ processes: processes as number })).toThrow(/Expected `processes` to be a positive integer, got/);
  });

  test.each([0, -2, 2.5])('maxTasksPerChild %p is a RangeError', (maxTasksPerChild) => {
    expect(() => new ThreadPool({ processes: 1, maxTasksPerChild })).toThrow(/`maxTasksPerChild` to be a positive integer/);
  });

  test('a non-function initializer is a TypeError; unclonable initargs are a TypeError naming initargs', () => {
    expect(() => new Pool({ processes: 1, initializer: 'setup' as unknown as () => void })).toThrow(TypeError);
    expect(() => new Pool({ processes: 1, initializer: () => {}, initargs: [() => 1] })).toThrow(/`initargs` argument 0 cannot be sent/);
    expect(() => new Pool({ processes: 1, backend: 'fibers' as 'async' })).toThrow(/`backend` to be one of/);
  });
});

describe('method arguments', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ processes: 1, backend: 'async' });
  });
  afterAll(async () => {
    await pool.terminate();
  });

  test.each([0, -1, 1.5])('chunksize %p is a RangeError naming chunksize', async (chunksize) => {
    await expect(pool.map((x: number) => x, [1], chunksize)).rejects.toThrow(/Expected `chunksize` to be a positive integer/);
    expect(() => pool.imap((x: number) => x, [1], chunksize)).toThrow(RangeError);
  });

  test('a non-function fn and a non-iterable input are TypeErrors naming them', async () => {
    await expect(pool.map(42 as unknown as (x: number) => number, [1])).rejects.toThrow(/Expected `fn` to be a function, got `42` \(number\)/);
    await expect(pool.map((x: number) => x, 7 as unknown as number[])).rejects.toThrow(/Expected `iterable` to be an iterable/);
    expect(() => pool.applyAsync((x: number) => x, 5 as unknown as [number])).toThrow(/`args` to be an array/);
  });

  test('a bad timeout is refused: negative is a RangeError, a string a TypeError', async () => {
    const result = pool.applyAsync(() => 1);
    await expect(result.get(-1)).rejects.toThrow(RangeError);
    await expect(result.get('1' as unknown as number)).rejects.toThrow(TypeError);
    expect(await result.get(1)).toBe(1);
  });
});
