/** Every example runs as a user would run it (`tsx examples/x.ts`) and prints what it should. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function runExample(name: string): { stdout: string; stderr: string } {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${name} exited with ${run.status ?? run.signal}: ${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

test('quickstart: serial vs Pool vs ThreadPool on the same results, with a speed-up printed', () => {
  const { stdout } = runExample('quickstart.ts');
  expect(stdout).toMatch(/^serial: +40 x fib\(34\) in [\d.]+ s$/m);
  expect(stdout).toMatch(/^Pool +40 x fib\(34\) in [\d.]+ s on \d+ workers: [\d.]+x faster$/m);
  expect(stdout).toMatch(/^ThreadPool +40 x fib\(34\) in [\d.]+ s on \d+ workers: [\d.]+x faster$/m);
});

test('apply-vs-map (seed 001): applyAsync results in submission order, map in input order, both pools joined', () => {
  const { stdout } = runExample('apply-vs-map.ts');
  const results = stdout.split('\n').filter((line) => line.startsWith('the product for'));
  const expected = Array.from({ length: 9 }, (_, i) => `the product for ${i + 1} is ${2 ** (i + 1)}`);
  expect(results).toEqual([...expected, ...expected]);
  expect(stdout.split('\n').filter((line) => / appears$/.test(line)).sort()).toEqual(
    [...Array.from({ length: 9 }, (_, i) => `${i + 1} appears`), ...Array.from({ length: 9 }, (_, i) => `${i + 1} appears`)].sort(),
  );
  expect(stdout).toMatch(/applyAsync took [\d.]+ s/);
  expect(stdout).toMatch(/map took [\d.]+ s/);
});

test('starmap (seed 004): [(2i, 2i + 1)] gives [1, 5, ..., 61], computed in worker processes', () => {
  const { stdout } = runExample('starmap.ts');
  const expected = Array.from({ length: 16 }, (_, i) => 4 * i + 1);
  // Workers' prints reach stdout through pipes and may land after the main process's last line.
  const finals = stdout.split('\n').filter((line) => /^\d+: \[/.test(line));
  expect(finals).toHaveLength(1);
  const final = finals[0] ?? '';
  expect(final).toMatch(new RegExp(`^\\d+: ${JSON.stringify(expected).replace(/[[\]]/g, '\\$&')}$`));
  const workerPids = new Set(stdout.match(/^worker \d+ is process (\d+)$/gm)?.map((line) => line.split(' ').at(-1)));
  const taskPids = new Set(stdout.match(/^(\d+): \d+$/gm)?.map((line) => line.split(':')[0]));
  const mainPid = final.split(':')[0];
  // How many workers get work depends on how fast they start; every task ran in one of them, none here.
  expect(taskPids.size).toBeGreaterThan(0);
  for (const pid of taskPids) {
    expect(workerPids.has(pid)).toBe(true);
    expect(pid).not.toBe(mainPid);
  }
});
