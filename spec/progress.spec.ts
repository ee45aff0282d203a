/** The progress option: a callback (done, total), or a bar on stderr only when stderr is a terminal. */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { ThreadPoolExecutor } from 'multipool';

import { BACKENDS, makePool, range } from './support/helpers.js';

type Call = [done: number, total: number | undefined];

describe.each(BACKENDS)('%s backend', (backend) => {
  test('map(), starmap() and imap() report (done, total) up to (n, n)', async () => {
    await using pool = makePool(backend);
    const calls: Call[] = [];
    const progress = (done: number, total: number | undefined): void => {
      calls.push([done, total]);
    };
    expect(await pool.map((x: number) => x, range(50), { chunksize: 5, progress })).toEqual(range(50));
    expect(calls.at(-1)).toEqual([50, 50]);
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    calls.length = 0;
    await pool.starmap((a: number, b: number) => a + b, range(10).map((i): [number, number] => [i, i]), 3, { progress });
    expect(calls.at(-1)).toEqual([10, 10]);
    calls.length = 0;
    function* lazy(): Generator<number> {
      yield* range(300);
    }
    for await (const _ of pool.imap((x: number) => x, lazy(), { progress })) {
      // drain
    }
    // A generator longer than imap's look-ahead has no known length until it ends.
    expect(calls.at(-1)).toEqual([300, 300]);
    expect(calls[0]?.[1]).toBeUndefined();
  });

  test('imap() and imapUnordered() take a chunksize and then { progress }, as map() does', async () => {
    await using pool = makePool(backend);
    for (const method of ['imap', 'imapUnordered'] as const) {
      const calls: Call[] = [];
      const progress = (done: number, total: number | undefined): void => {
        calls.push([done, total]);
      };
      const out: number[] = [];
      for await (const x of pool[method]((x: number) => x + 1, range(6), 2, { progress })) out.push(x);
      expect(out.sort((a, b) => a - b)).toEqual(range(6).map((x) => x + 1));
      expect(calls.at(-1)).toEqual([6, 6]);
    }
  });

  test('a progress callback that throws goes to the error event; the map still succeeds', async () => {
    await using pool = makePool(backend);
    const errors: unknown[] = [];
    pool.on('error', (error) => errors.push(error));
    const result = await pool.map((x: number) => x * 2, range(4), {
      chunksize: 2,
      progress: () => {
        throw new Error('bar broke');
      },
    });
    expect(result).toEqual([0, 2, 4, 6]);
    expect(errors.length).toBeGreaterThan(0);
    expect((errors[0] as Error).message).toBe('bar broke');
  });
});

test('executor map() reports progress too', async () => {
  await using executor = new ThreadPoolExecutor(2);
  const calls: Call[] = [];
  for await (const _ of executor.map((x: number) => x, range(20), { progress: (done: number, total: number | undefined) => calls.push([done, total]) })) {
    // drain
  }
  expect(calls.at(-1)).toEqual([20, 20]);
});

const quickstart = fileURLToPath(new URL('../examples/quickstart.ts', import.meta.url));

test('progress: true draws a bar that ends at 40/40 under a pseudo-terminal', () => {
  // `script` gives the example a terminal; the bar's final state must be in what it printed.
  const output = execFileSync('script', ['-qec', `${process.execPath} --import tsx ${quickstart}`, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  expect(output).toMatch(/40\/40 \| \d+\/s \| ETA/);
});

test('progress: true prints nothing when stderr is not a terminal', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', quickstart], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(run.stderr).not.toMatch(/\d+\/40/);
});
