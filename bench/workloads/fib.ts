/**
 * Workload 3: 40 × fib(30), naive recursion: CPU-bound work where 2 workers
 * should come close to 2× over the main thread. The ceiling on this machine
 * is what two plain worker threads reach when each is handed half of the
 * inputs in one message, so each pool's speed-up over serial is compared
 * with theirs, measured in the same run. Two rows: chunksize 1 (one task per
 * input, the most dispatching) and the default chunksize (ceil(40 / 8) = 5).
 * Serial and raw threads are measured once and shown in both rows.
 */
import type { BenchConfig } from '../harness/config.js';
import { defaultChunksize } from '../harness/contenders.js';
import type { MapWorkload } from '../harness/map-row.js';
import { mapCells, verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, repeat } from '../harness/measure.js';
import type { RawThreads } from '../harness/raw-threads.js';
import { openRawFibThreads } from '../harness/raw-threads.js';
import type { Row } from '../harness/table.js';

/**
 * Module-level and passed as is (`pool.map(fib, inputs)`): a self-contained
 * declaration travels to the workers as source, its recursion included.
 */
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const WARMUP_TASKS = 4;

/** The same function on the main thread, warmed up first like every other contender. */
async function serialCell(items: readonly number[], expected: readonly number[], config: BenchConfig): Promise<Cell> {
  verifySame(items.slice(0, WARMUP_TASKS).map(fib), expected.slice(0, WARMUP_TASKS), 'warm-up');
  const runs = await repeat(async () => verifySame(items.map(fib), expected, 'serial'), config.reps);
  return cellFromRuns(runs);
}

/** Two plain Workers, half of the inputs each. */
function rawThreadsCell(items: readonly number[], expected: readonly number[], config: BenchConfig): Promise<Cell> {
  return attempt<RawThreads>(
    'fib / raw worker threads',
    () => openRawFibThreads(),
    async (raw) => {
      verifySame(await raw.map(items.slice(0, WARMUP_TASKS)), expected.slice(0, WARMUP_TASKS), 'warm-up');
      const runs = await repeat(async () => verifySame(await raw.map(items), expected, 'raw threads'), config.reps);
      return cellFromRuns(runs);
    },
    (raw) => raw.close(),
    config.timeoutMs,
  );
}

export async function fibRows(config: BenchConfig): Promise<Row[]> {
  const { tasks, n } = config.fib;
  const items = new Array<number>(tasks).fill(n);
  const expected = new Array<number>(tasks).fill(fib(n));
  const serial = await serialCell(items, expected, config);
  const rawThreads = await rawThreadsCell(items, expected, config);
  const rows: Row[] = [];
  for (const passChunksize of [true, false]) {
    const chunksize = passChunksize ? 1 : defaultChunksize(tasks);
    const workload: MapWorkload<number, number> = {
      title: `${tasks} × fib(${n}), ${passChunksize ? 'chunksize 1' : `default chunksize (${chunksize})`}; raw: 2 plain Workers, half of the inputs each`,
      items,
      expected,
      warmup: items.slice(0, WARMUP_TASKS),
      fn: fib,
      peerTask: 'fibs',
      chunksize,
      passChunksize,
    };
    const cells = await mapCells(workload, config);
    cells.serial = serial;
    cells.rawThreads = rawThreads;
    rows.push({
      title: workload.title,
      unit: 'ms',
      cells,
      // Speed-ups over serial, each divided by the raw threads' speed-up over the same serial run.
      targets: [
        { subject: 'pool', reference: 'rawThreads', baseline: 'serial', kind: 'relativeSpeedupAtLeast', limit: 0.9 },
        { subject: 'threadPool', reference: 'rawThreads', baseline: 'serial', kind: 'relativeSpeedupAtLeast', limit: 0.95 },
      ],
    });
  }
  return rows;
}
