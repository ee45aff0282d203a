/**
 * `npm run soak`: the long-run memory check. On a Pool and a ThreadPool of 2 workers it runs
 * 1,000,000 tasks through `imap(fn, generator, 1)`, then 200,000 through `applyAsync` (in awaited
 * waves of 10,000, so the caller's own array of results is not what is measured) with one function
 * object, and 200,000 more with a new closure per call (as a loop body writes it), then prints RSS
 * and heapUsed before and after each phase (after a forced gc), the worker processes' RSS (Pool),
 * the time, and `pool.outstanding` (the job cache size).
 *
 * Targets: RSS grows by less than 50 MB over all phases, and the job cache is back to 0 after each
 * phase. Exits 1 when a target is missed (or a result is wrong).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { Pool, ThreadPool } from 'multipool';

const WORKERS = 2;
const IMAP_TASKS = 1_000_000;
const APPLY_TASKS = 200_000;
const WAVE = 10_000;
const RSS_LIMIT_MB = 50;
const MB = 1024 * 1024;

/** A real gc(): `--expose-gc` from the npm script, or set here when run some other way. */
function realGc(): () => void {
  const exposed = globalThis.gc;
  if (exposed) {
    return () => {
      exposed();
    };
  }
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = realGc();

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  /** Summed RSS of the worker processes (a Pool's; a ThreadPool's workers are inside `rss`). */
  readonly workersRss: number | null;
}

/** VmRSS of a process in bytes, 0 once it is gone. */
function processRss(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Memory after the garbage is gone: gc, let finalizers and freed pages settle, gc again. */
async function settledMemory(workerPids: readonly number[]): Promise<Memory> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, workersRss: workerPids.length > 0 ? workerPids.reduce((sum, pid) => sum + processRss(pid), 0) : null };
}

interface Phase {
  readonly pool: string;
  readonly phase: string;
  readonly tasks: number;
  readonly ms: number;
  readonly before: Memory;
  readonly after: Memory;
  readonly outstanding: number;
}

function* naturals(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** The sum of 0..n-1, each plus `add`. */
const expectedSum = (n: number, add: number): number => (n * (n - 1)) / 2 + n * add;

function assertEqual(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, expected ${expected}`);
}

async function imapPhase(pool: Pool): Promise<number> {
  let sum = 0;
  let count = 0;
  for await (const value of pool.imap((x: number) => x + 1, naturals(IMAP_TASKS), 1)) {
    sum += value;
    count++;
  }
  assertEqual(count, IMAP_TASKS, 'imap results');
  assertEqual(sum, expectedSum(IMAP_TASKS, 1), 'imap sum');
  return IMAP_TASKS;
}

/** The same function object every call, or (`fresh`) a new closure per call, as a loop body usually writes it. */
async function applyPhase(pool: Pool, fresh: boolean): Promise<number> {
  const add2 = (x: number): number => x + 2;
  let sum = 0;
  for (let start = 0; start < APPLY_TASKS; start += WAVE) {
    const wave = Array.from({ length: WAVE }, (_, i) => pool.applyAsync(fresh ? (x: number) => x + 2 : add2, [start + i]));
    for (const result of wave) sum += await result.get();
  }
  assertEqual(sum, expectedSum(APPLY_TASKS, 2), 'applyAsync sum');
  return APPLY_TASKS;
}

async function soak(name: string, pool: Pool): Promise<Phase[]> {
  const workerPids: number[] = [];
  pool.on('workerStart', ({ pid, threadId }) => {
    if (threadId === undefined && pid !== undefined) workerPids.push(pid);
  });
  // Warm up: workers started, the functions shipped and compiled, so "before" is a running pool.
  await pool.map((x: number) => x + 1, naturals(10_000), 1);
  for (let i = 0; i < 1000; i++) await pool.applyAsync((x: number) => x + 2, [i]).get();
  const phases: Phase[] = [];
  let before = await settledMemory(workerPids);
  const waves = `waves of ${WAVE.toLocaleString('en')}`;
  for (const [phase, run] of [
    ['imap, chunksize 1', imapPhase],
    [`applyAsync, ${waves}, one function`, (p: Pool) => applyPhase(p, false)],
    [`applyAsync, ${waves}, a new closure per call`, (p: Pool) => applyPhase(p, true)],
  ] as const) {
    const start = performance.now();
    const tasks = await run(pool);
    const ms = performance.now() - start;
    const outstanding = pool.outstanding;
    const after = await settledMemory(workerPids);
    phases.push({ pool: name, phase, tasks, ms, before, after, outstanding });
    console.error(`${name}: ${phase} done in ${(ms / 1000).toFixed(1)} s`);
    before = after;
  }
  await pool.terminate();
  return phases;
}

const mb = (bytes: number): string => (bytes / MB).toFixed(1);
const delta = (a: number, b: number): string => `${b >= a ? '+' : ''}${mb(b - a)}`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

const results: Phase[] = [];
for (const [name, make] of [
  ['Pool', () => new Pool(WORKERS)],
  ['ThreadPool', () => new ThreadPool(WORKERS)],
] as const) {
  results.push(...(await soak(name, make())));
}

console.log(
  table([
    ['pool', 'phase', 'tasks', 'time s', 'tasks/s', 'RSS MB before → after (Δ)', 'heapUsed MB before → after (Δ)', 'worker processes RSS MB (Δ)', 'outstanding'],
    ...results.map((p) => [
      p.pool,
      p.phase,
      p.tasks.toLocaleString('en'),
      (p.ms / 1000).toFixed(1),
      Math.round(p.tasks / (p.ms / 1000)).toLocaleString('en'),
      `${mb(p.before.rss)} → ${mb(p.after.rss)} (${delta(p.before.rss, p.after.rss)})`,
      `${mb(p.before.heapUsed)} → ${mb(p.after.heapUsed)} (${delta(p.before.heapUsed, p.after.heapUsed)})`,
      p.before.workersRss === null || p.after.workersRss === null ? '— (in RSS)' : `${mb(p.before.workersRss)} → ${mb(p.after.workersRss)} (${delta(p.before.workersRss, p.after.workersRss)})`,
      String(p.outstanding),
    ]),
  ]),
);

const missed: string[] = [];
for (const name of new Set(results.map((p) => p.pool))) {
  const phases = results.filter((p) => p.pool === name);
  const first = phases[0];
  const last = phases.at(-1);
  if (!first || !last) continue;
  const growth = last.after.rss - first.before.rss;
  console.log(`${name}: RSS ${delta(first.before.rss, last.after.rss)} MB over ${phases.reduce((n, p) => n + p.tasks, 0).toLocaleString('en')} tasks (target < ${RSS_LIMIT_MB} MB)`);
  if (growth >= RSS_LIMIT_MB * MB) missed.push(`${name}: RSS grew by ${mb(growth)} MB (target < ${RSS_LIMIT_MB} MB)`);
  for (const p of phases) if (p.outstanding !== 0) missed.push(`${name}: ${p.outstanding} job(s) still in the cache after ${p.phase} (target 0)`);
}
if (missed.length > 0) {
  console.log(`\nMISSED:\n- ${missed.join('\n- ')}`);
  process.exitCode = 1;
} else {
  console.log('\nAll targets met.');
}
