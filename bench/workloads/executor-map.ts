/**
 * Workload 6: `executor.map(x => x * x, items)` over 100,000 numbers, our
 * two executors next to our `Pool.map` on the same input, and CPython's
 * `ProcessPoolExecutor.map`. The first row uses every contender's defaults
 * (ours batch arrays as `Pool.map` does; CPython sends one item per task);
 * the second gives everyone the same explicit chunksize, so the per-item
 * protocol is compared without the chunking decision.
 */
import type { Executor, Pool } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId } from '../harness/contenders.js';
import { closeExecutor, EXECUTORS, openExecutor, openOurs,OURS, WORKERS } from '../harness/contenders.js';
import { verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, repeat } from '../harness/measure.js';
import { pythonCell } from '../harness/python.js';
import type { Row } from '../harness/table.js';

// One function object for warm-up and every repetition, so workers compile it once.
const square = (x: number): number => x * x;

const WARMUP_ITEMS = 1000;

/** Drains the executor's async iterator: every result must arrive before the clock stops. */
async function executorMap(executor: Executor, items: readonly number[], chunksize: number | undefined): Promise<number[]> {
  const out: number[] = [];
  const results = chunksize === undefined ? executor.map(square, items) : executor.map(square, items, { chunksize });
  for await (const value of results) out.push(value);
  return out;
}

function poolMap(pool: Pool, items: readonly number[], chunksize: number | undefined): Promise<number[]> {
  return chunksize === undefined ? pool.map(square, items) : pool.map(square, items, chunksize);
}

/** Opens, warms up, times and verifies (every value, in order) one contender. */
function timedCell<T>(
  label: string,
  config: BenchConfig,
  open: () => Promise<T> | T,
  run: (subject: T, items: readonly number[]) => Promise<number[]>,
  close: (subject: T) => Promise<void>,
  items: readonly number[],
  expected: readonly number[],
): Promise<Cell> {
  return attempt(
    label,
    open,
    async (subject) => {
      verifySame(await run(subject, items.slice(0, WARMUP_ITEMS)), expected.slice(0, WARMUP_ITEMS), 'warm-up');
      const runs = await repeat(async () => verifySame(await run(subject, items), expected, 'map'), config.reps);
      return cellFromRuns(runs);
    },
    close,
    config.timeoutMs,
  );
}

/** One row; `chunksize` undefined means nobody is given one (the defaults row). */
async function executorMapRow(config: BenchConfig, chunksize: number | undefined): Promise<Row> {
  const { n } = config.executorMap;
  const items = Array.from({ length: n }, (_, i) => i);
  const expected = items.map(square);
  const what = chunksize === undefined ? 'default options' : `chunksize ${chunksize}`;
  const cells: Partial<Record<ContenderId, Cell>> = {};
  for (const id of OURS) {
    cells[id] = await timedCell(`executor.map ${what} / ${id} map`, config, () => openOurs(id), (pool, xs) => poolMap(pool, xs, chunksize), (pool) => pool.terminate(), items, expected);
  }
  for (const id of EXECUTORS) {
    cells[id] = await timedCell(`executor.map ${what} / ${id}`, config, () => openExecutor(id), (ex, xs) => executorMap(ex, xs, chunksize), closeExecutor, items, expected);
  }
  // Without a chunksize the script leaves it out, so CPython's default (1 item per task) is measured.
  cells.cpython = await pythonCell({ workload: 'executor_map', n, chunksize, workers: WORKERS }, config.reps, config.timeoutMs);
  const cpythonWhat = chunksize === undefined ? 'default chunksize=1' : `chunksize=${chunksize}`;
  return {
    title: `executor.map x=>x*x, ${n.toLocaleString('en-US')} items, ${what} (Pool/ThreadPool: their map; CPython: ProcessPoolExecutor.map, ${cpythonWhat})`,
    unit: 'ms',
    cells,
    // The executors share the pools' engine: their map should cost about what Pool.map costs.
    targets:
      chunksize === undefined
        ? [
            { subject: 'processExecutor', reference: 'pool', kind: 'atMost', limit: 2 },
            { subject: 'threadExecutor', reference: 'threadPool', kind: 'atMost', limit: 2 },
          ]
        : [],
    // CPython's column is a process pool: compare it with ours, like for like.
    comparisons: [
      ...(chunksize === undefined
        ? []
        : [
            { subject: 'processExecutor', reference: 'pool' } as const,
            { subject: 'threadExecutor', reference: 'threadPool' } as const,
          ]),
      { subject: 'processExecutor', reference: 'cpython' },
    ],
  };
}

export async function executorMapRows(config: BenchConfig): Promise<Row[]> {
  return [await executorMapRow(config, undefined), await executorMapRow(config, config.executorMap.chunksize)];
}
