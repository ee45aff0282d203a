/** The progress option: a callback (done, total), or a bar on stderr only when stderr is a terminal. */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { ThreadPoolExecutor } from 'multipool';

import { MIN_LOOKAHEAD } from '../dist/engine/chunk-feeder.js';
import { BACKENDS, makePool, range } from './support/helpers.js';
import { screenOf } from './support/screen.js';

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
      yield* range(3 * MIN_LOOKAHEAD);
    }
    for await (const _ of pool.imap((x: number) => x, lazy(), { progress })) {
      // drain
    }
    // A generator longer than imap's look-ahead has no known length until it ends.
    expect(calls.at(-1)).toEqual([3 * MIN_LOOKAHEAD, 3 * MIN_LOOKAHEAD]);
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

test('progress: { label } is checked: a tqdm spelling names the option to use', async () => {
  await using pool = makePool('thread', 1);
  expect(() => pool.imap((x: number) => x, [1], { progress: { desc: 'x' } as never })).toThrow(/Unknown `progress` option `desc`: tqdm's `desc` is `label` here/);
  expect(() => pool.imap((x: number) => x, [1], { progress: { label: 3 } as never })).toThrow(/Expected `progress.label` to be a string/);
  expect(await pool.map((x: number) => x, [1, 2], { progress: { label: 'quiet when not a terminal' } })).toEqual([1, 2]);
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
const loggingLoop = fileURLToPath(new URL('./fixtures/progress-logging.ts', import.meta.url));

/** What `script` captured when it ran `file` under a pseudo-terminal. */
function underTerminal(file: string): string {
  return execFileSync('script', ['-qec', `${process.execPath} --import tsx ${file}`, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
}

test('progress: true draws a bar that ends at 40/40 under a pseudo-terminal, with no ETA before the first item', () => {
  // `script` gives the example a terminal; the bar's final state must be in what it printed.
  const output = underTerminal(quickstart);
  expect(output).toMatch(/40\/40 \| \d+\/s \| ETA/);
  expect(output).toMatch(/ 0\/40 \| 0\/s/);
  expect(output).not.toMatch(/ 0\/40 \| \d+\/s \| ETA/);
});

test('lines logged while a labelled bar is drawn land intact on lines of their own, and the final bar keeps a line of its own', () => {
  const screen = screenOf(underTerminal(loggingLoop)).filter((line) => line !== '');
  // The worker's line and a line written in two pieces are intact too.
  const logged = ['from worker 3', 'logged line 2', 'logged line 4', 'logged line 6', 'logged line 8', 'a line in two writes', 'logged line 10', 'logged line 12'];
  for (const line of logged) expect(screen).toContain(line);
  const bars = screen.filter((line) => line.startsWith('doubling: '));
  expect(bars).toHaveLength(1);
  expect(bars[0]).toMatch(/^doubling: \S+ 6\/6 \| \d+\/s \| ETA \d+s$/);
  // Nothing but the logged lines, the bar and the line printed after the loop, which comes last.
  expect(screen.toSorted()).toEqual([...logged, bars[0], 'after the loop'].toSorted());
  expect(screen.at(-1)).toBe('after the loop');
});

test('progress: true prints nothing when stderr is not a terminal', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', quickstart], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(run.stderr).not.toMatch(/\d+\/40/);
});
