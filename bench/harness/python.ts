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
  /** `executor_*` use ProcessPoolExecutor; `executor_submit` makes `n` sequential submit().result() trips. */
  readonly workload: 'map' | 'imap' | 'executor_map' | 'executor_submit';
  readonly n: number;
  readonly chunksize?: number | undefined;
  readonly workers: number;
}

interface PythonReport {
  readonly runs_ms: number[];
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

/**
 * Runs one CPython measurement; a missing python3 is a skip, anything else
 * wrong a failure. `scale` turns one run's ms into the row's unit, as in
 * `cellFromRuns`.
 */
export async function pythonCell(request: PythonRequest, reps: RepOptions, timeoutMs: number, scale = 1): Promise<Cell> {
  if (!(await pythonAvailable())) return { kind: 'skip', reason: 'python3 not found' };
  const args = [SCRIPT, request.workload, '--n', String(request.n), '--workers', String(request.workers)];
  if (request.chunksize !== undefined) args.push('--chunksize', String(request.chunksize));
  args.push('--reps', String(reps.reps), '--slow-ms', String(reps.slowMs));
  try {
    const { stdout } = await run(PYTHON, args, { timeout: timeoutMs, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout) as PythonReport;
    const expected = request.workload === 'executor_submit' ? expectedEchoChecksum(request.n) : expectedSquaresChecksum(request.n);
    if (report.checksum !== expected) {
      return { kind: 'fail', reason: `CPython ${request.workload} checksum ${report.checksum} is wrong (expected ${expected})` };
    }
    return cellFromRuns(report.runs_ms, scale);
  } catch (error) {
    process.stderr.write(`  CPython ${request.workload}: FAILED ${describeFailure(error)}\n`);
    return { kind: 'fail', reason: describeFailure(error) };
  }
}
