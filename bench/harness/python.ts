/**
 * CPython as a contender (multiprocessing.Pool and
 * concurrent.futures.ProcessPoolExecutor): bench/python/mp_bench.py runs in
 * its own process and reports JSON, so Python times only its own
 * map/imap/submit calls, as we do.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { Cell, RepOptions } from './measure.js';
import { cellFromRuns, describeFailure } from './measure.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../python/mp_bench.py', import.meta.url));
const PYTHON = 'python3';

export interface PythonRequest {
  /**
   * `executor_*` use ProcessPoolExecutor; `executor_submit` makes `n` sequential submit().result() trips.
   * `map_fresh` times the first map of fresh, started pools (and maps 3+ as warm); `startup` times
   * `Pool(workers)` until every worker has run its initializer (`n` is unused).
   */
  readonly workload: 'map' | 'imap' | 'executor_map' | 'executor_submit' | 'map_fresh' | 'startup';
  readonly n: number;
  readonly chunksize?: number | undefined;
  readonly workers: number;
  /** map_fresh: maps per fresh pool (the first is timed as "first", the third on as warm). */
  readonly maps?: number | undefined;
}

interface PythonReport {
  readonly runs_ms: number[];
  /** map_fresh only: maps 3.. of every fresh pool. */
  readonly warm_runs_ms?: number[];
  readonly checksum: string;
}

let available: Promise<boolean> | null = null;

/** Whether python3 can be started at all (checked once). */
export function pythonAvailable(): Promise<boolean> {
  available ??= run(PYTHON, ['--version']).then(
    () => true,
    () => false,
  );
  return available;
}

/**
 * Σ (i + 1) · i² over the inputs 0..n-1, as a decimal string: what the Python
 * script reports for a correct, ordered result. BigInt because the sum passes 2^53.
 */
export function expectedSquaresChecksum(n: number): string {
  let total = 0n;
  for (let i = 0n; i < BigInt(n); i++) total += (i + 1n) * i * i;
  return total.toString();
}

/** Σ (i + 1) · i over 0..n-1: the echo round trips' checksum (each trip must return its own i, in order). */
export function expectedEchoChecksum(n: number): string {
  let total = 0n;
  for (let i = 0n; i < BigInt(n); i++) total += (i + 1n) * i;
  return total.toString();
}

/** What the script must report for a correct result of `request`. */
function expectedChecksum(request: PythonRequest): string {
  switch (request.workload) {
    case 'executor_submit':
      return expectedEchoChecksum(request.n);
    case 'startup':
      // The number of distinct worker pids that signalled, the same for every pool.
      return String(request.workers);
    default:
      return expectedSquaresChecksum(request.n);
  }
}

/** Runs the script once; a missing python3 is a skip, anything else wrong a failure, both as a Cell. */
async function pythonReport(request: PythonRequest, reps: RepOptions, timeoutMs: number): Promise<PythonReport | Cell> {
  if (!(await pythonAvailable())) return { kind: 'skip', reason: 'python3 not found' };
  const args = [SCRIPT, request.workload, '--n', String(request.n), '--workers', String(request.workers)];
  if (request.chunksize !== undefined) args.push('--chunksize', String(request.chunksize));
  if (request.maps !== undefined) args.push('--maps', String(request.maps));
  args.push('--reps', String(reps.reps), '--slow-ms', String(reps.slowMs));
  try {
    const { stdout } = await run(PYTHON, args, { timeout: timeoutMs, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout) as PythonReport;
    const expected = expectedChecksum(request);
    if (report.checksum !== expected) {
      return { kind: 'fail', reason: `CPython ${request.workload} checksum ${report.checksum} is wrong (expected ${expected})` };
    }
    return report;
  } catch (error) {
    process.stderr.write(`  CPython ${request.workload}: FAILED ${describeFailure(error)}\n`);
    return { kind: 'fail', reason: describeFailure(error) };
  }
}

function isCell(value: PythonReport | Cell): value is Cell {
  return 'kind' in value;
}

/**
 * Runs one CPython measurement. `scale` turns one run's ms into the row's
 * unit, as in `cellFromRuns`.
 */
export async function pythonCell(request: PythonRequest, reps: RepOptions, timeoutMs: number, scale = 1): Promise<Cell> {
  const report = await pythonReport(request, reps, timeoutMs);
  return isCell(report) ? report : cellFromRuns(report.runs_ms, scale);
}

/** `map_fresh`: the first map of each fresh pool, and its maps 3.. (warm), from the same pools. */
export async function pythonFreshMapCells(n: number, maps: number, workers: number, reps: RepOptions, timeoutMs: number): Promise<{ first: Cell; warm: Cell }> {
  const report = await pythonReport({ workload: 'map_fresh', n, maps, workers }, reps, timeoutMs);
  if (isCell(report)) return { first: report, warm: report };
  const warm: Cell = report.warm_runs_ms?.length ? cellFromRuns(report.warm_runs_ms) : { kind: 'fail', reason: 'CPython map_fresh reported no warm runs' };
  return { first: cellFromRuns(report.runs_ms), warm };
}
