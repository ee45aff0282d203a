/**
 * Workload: pool start-up, the one row that times it. From the constructor
 * until every worker is ready: `ThreadPool(2)` / `Pool(2)` until two
 * `workerStart` events, against two bare `Worker`s / two bare
 * `fork(..., { serialization: 'advanced' })` children until each has posted
 * or sent one 'ready' message. The Node side runs in `peers/startup.mjs`
 * under plain `node`: this process runs under a TypeScript loader that child
 * processes would inherit and our worker threads would register, which a
 * user of the built package does not pay. CPython's `Pool(2)` until both
 * workers have run their initializer is shown for orientation. The peers have
 * no "workers ready" signal (piscina marks its first workers ready before
 * they are), so they are not in this row.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId } from '../harness/contenders.js';
import { WORKERS } from '../harness/contenders.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, describeFailure } from '../harness/measure.js';
import { pythonCell } from '../harness/python.js';
import type { Row } from '../harness/table.js';

const SCRIPT = fileURLToPath(new URL('../peers/startup.mjs', import.meta.url));
const IDS = ['rawThreads', 'threadPool', 'rawProcesses', 'pool'] as const;

type Report = Record<(typeof IDS)[number], { runs_ms?: number[]; error?: string } | undefined>;

/** Runs the script and turns its report into cells; a script that fails fails every cell. */
async function nodeCells(config: BenchConfig): Promise<Partial<Record<ContenderId, Cell>>> {
  const cells: Partial<Record<ContenderId, Cell>> = {};
  try {
    const args = [SCRIPT, '--reps', String(config.startup.reps), '--workers', String(WORKERS)];
    // process.execPath without execArgv: plain node, no loader.
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: config.timeoutMs, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout) as Report;
    for (const id of IDS) {
      const entry = report[id];
      if (entry?.error !== undefined) {
        process.stderr.write(`  start-up / ${id}: FAILED ${entry.error}\n`);
        cells[id] = { kind: 'fail', reason: entry.error };
      } else if (!entry?.runs_ms || entry.runs_ms.length !== config.startup.reps) {
        cells[id] = { kind: 'fail', reason: `start-up script reported ${entry?.runs_ms?.length ?? 0} runs for ${id}, expected ${config.startup.reps}` };
      } else {
        cells[id] = cellFromRuns(entry.runs_ms);
      }
    }
  } catch (error) {
    process.stderr.write(`  start-up: FAILED ${describeFailure(error)}\n`);
    for (const id of IDS) cells[id] = { kind: 'fail', reason: describeFailure(error) };
  }
  return cells;
}

export async function startupRow(config: BenchConfig): Promise<Row> {
  const cells = await nodeCells(config);
  cells.cpython = await pythonCell({ workload: 'startup', n: 0, workers: WORKERS }, { reps: config.startup.reps, slowMs: Number.POSITIVE_INFINITY }, config.timeoutMs);
  return {
    title: `start-up: new pool(${WORKERS}) until ${WORKERS} workerStart events, median of ${config.startup.reps} fresh starts, plain node (raw: ${WORKERS} bare Workers / forks until each sent 'ready'; CPython: Pool(${WORKERS}) until every initializer ran)`,
    unit: 'ms',
    cells,
    targets: [
      { subject: 'threadPool', reference: 'rawThreads', kind: 'atMost', limit: 1.5 },
      { subject: 'pool', reference: 'rawProcesses', kind: 'atMost', limit: 1.3 },
    ],
    comparisons: [{ subject: 'pool', reference: 'cpython' }],
  };
}
