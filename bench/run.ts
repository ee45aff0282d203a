/**
 * The benchmark suite: every workload, every contender, 2 workers each, one
 * table. Run with `npm run bench` (builds first) or `npx tsx bench/run.ts`;
 * `--quick` shrinks every workload for a smoke run; `--only <text>` runs
 * only the sections whose name contains the text, and prints without writing
 * bench/results.md (the whole table lives there).
 *
 * Progress goes to stderr; the final markdown goes to stdout and to
 * bench/results.md.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';

import { clusterRows } from './cluster.js';
import type { BenchConfig } from './harness/config.js';
import { configFor } from './harness/config.js';
import { WORKERS } from './harness/contenders.js';
import type { Row, Verdict } from './harness/table.js';
import { render } from './harness/table.js';
import { executorMapRows } from './workloads/executor-map.js';
import { fibRows } from './workloads/fib.js';
import { floatSumsRow } from './workloads/float-sums.js';
import { freshMapRows } from './workloads/fresh-map.js';
import { imapRows } from './workloads/imap.js';
import { latencyRow } from './workloads/latency.js';
import { mapSquaresRow } from './workloads/map-squares.js';
import { moveSumsRow } from './workloads/move-sums.js';
import { multiYieldRow } from './workloads/multi-yield.js';
import { sharedStateRows } from './workloads/shared-state.js';
import { startupRow } from './workloads/startup.js';
import { submitLatencyRow } from './workloads/submit-latency.js';
import { sustainedRow } from './workloads/sustained.js';

const RESULTS = new URL('./results.md', import.meta.url);

/** Resource types that mean a contender was not torn down (stdio and timers are ours). */
const LEAK_TYPES = new Set(['Worker', 'ChildProcess', 'ProcessWrap', 'MessagePort', 'PipeWrap']);

async function pythonVersion(): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)('python3', ['--version']);
    return (stdout || stderr).trim();
  } catch {
    return 'python3 not found';
  }
}

/** The 1-minute load average: other work on this small machine skews every number, so the report shows it. */
function load(): number {
  return loadavg()[0] ?? 0;
}

/** The load average when the run started, and the highest one seen at the start of any section. */
const loads = { start: 0, peak: 0 };

async function environment(config: BenchConfig): Promise<string> {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const reps = `median of ${config.reps.reps} timed runs after one warm-up (a contender whose run takes over ${config.reps.slowMs / 1000} s runs once)`;
  const end = load();
  const busy = Math.max(loads.start, loads.peak, end) > 1 ? ' Above ~1 a 2-worker pool cannot have both cores: CPU-bound rows and ratios are skewed.' : '';
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Mode: ${config.quick ? '**--quick (reduced sizes: a smoke run, targets not meaningful)**' : 'full'}`,
    `- Machine: ${cpus().length} × ${cpu}; Node ${process.version}; ${await pythonVersion()}`,
    `- Load average (1 min, ${cpus().length} cores): ${loads.start.toFixed(2)} at start, ${loads.peak.toFixed(2)} at the busiest row, ${end.toFixed(2)} at end: a noisy machine moves every number.${busy}`,
    `- Every pool has ${WORKERS} workers; pool start-up is timed only in the start-up row; ${reps}. Rows that define their own runs say so in their title.`,
    '- Lower is better in every cell, except in rows whose unit is marked ↑ (ops/s: higher is better). Every target prints the figures it compares (ours vs the raw transport, the peer or CPython, from this run). FAIL = error, hang or wrong result; n/a = not run (see the numbered notes).',
  ].join('\n');
}

/** The `--only` text, or null to run every section. */
function onlyFilter(argv: readonly string[]): string | null {
  const at = argv.indexOf('--only');
  return at === -1 ? null : (argv[at + 1] ?? '');
}

const only = onlyFilter(process.argv.slice(2));

/** Announces a section and says whether to run it (`--only`). */
function section(name: string): boolean {
  if (only !== null && !name.includes(only)) return false;
  const now = load();
  loads.peak = Math.max(loads.peak, now);
  process.stderr.write(`▶ ${name} (load ${now.toFixed(2)})\n`);
  return true;
}

async function runAll(config: BenchConfig): Promise<Row[]> {
  const rows: Row[] = [];
  if (section('map x => x * x')) rows.push(await mapSquaresRow(config));
  if (section('map on fresh pools: first and warm')) rows.push(...(await freshMapRows(config)));
  if (section('one-task round-trip latency')) rows.push(await latencyRow(config));
  if (section('sustained small-task rate')) rows.push(await sustainedRow(config));
  if (section('start-up')) rows.push(await startupRow(config));
  if (section('fib (CPU-bound)')) rows.push(...(await fibRows(config)));
  if (section('Float64Array sums')) rows.push(await floatSumsRow(config));
  if (section('imap')) rows.push(...(await imapRows(config)));
  if (section('executor.map')) rows.push(...(await executorMapRows(config)));
  if (section('executor submit round trip')) rows.push(await submitLatencyRow(config));
  if (section('multiYield vs imap')) rows.push(await multiYieldRow(config));
  if (section('Float64Array sums moved with move()')) rows.push(await moveSumsRow(config));
  if (section('shared state: Lock, Manager dict, Queue')) rows.push(...(await sharedStateRows(config)));
  if (section('cluster (BullMQ on a local redis-server, 2 hosts)')) rows.push(...(await clusterRows(config)));
  return rows;
}

function verdictLines(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return '';
  const mark = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : 'MISSED');
  return ['## Targets', '', ...verdicts.map((v) => `- ${mark(v.met)}: ${v.row}: ${v.text}`)].join('\n');
}

/**
 * Every contender is torn down by now, so the process should exit by itself.
 * If one leaked, say which kind and exit anyway instead of hanging.
 */
function exitCheck(): void {
  const leaked = process.getActiveResourcesInfo().filter((type) => LEAK_TYPES.has(type));
  if (leaked.length === 0) return;
  setTimeout(() => {
    const still = process.getActiveResourcesInfo().filter((type) => LEAK_TYPES.has(type));
    process.stderr.write(`bench: resources still open after teardown: ${still.join(', ')}; exiting anyway\n`);
    process.exit(1);
  }, 5_000).unref();
}

async function main(): Promise<void> {
  const config = configFor(process.argv.slice(2));
  loads.start = load();
  const rows = await runAll(config);
  const { markdown, verdicts } = render(rows);
  const report = ['# multipool benchmarks', '', await environment(config), '', markdown, '', verdictLines(verdicts), ''].join('\n');
  process.stdout.write(report);
  if (only === null) {
    await writeFile(RESULTS, report);
    process.stderr.write(`wrote ${RESULTS.pathname}\n`);
  }
  exitCheck();
}

await main();
