/**
 * Workload 7: the executors' round trip. 2,000 sequential
 * `await executor.submit(echo, i)`, each awaited before the next, against
 * CPython's `ProcessPoolExecutor.submit(echo, i).result()`. The `Future`
 * layer sits on the same engine as `pool.apply`, so the 1-task round trip
 * row above is the floor to compare with.
 */
import type { Executor } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId } from '../harness/contenders.js';
import { closeExecutor, EXECUTORS, openExecutor,WORKERS } from '../harness/contenders.js';
import { interleavedCells } from '../harness/interleave.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns } from '../harness/measure.js';
import { pythonCell } from '../harness/python.js';
import type { Row } from '../harness/table.js';
import { echo, roundTripTurn } from './latency.js';

export async function submitLatencyRow(config: BenchConfig): Promise<Row> {
  const { trips } = config.submit;
  // `await` on the Future itself (it is PromiseLike), as users write it.
  const turns = EXECUTORS.map((id) => roundTripTurn<ContenderId, Executor>(id, `submit ${id}`, () => openExecutor(id), async (ex, v) => await ex.submit(echo, v), closeExecutor, trips));
  const cells = Object.fromEntries(await interleavedCells(turns, config.latency.reps, config.timeoutMs, (runs) => cellFromRuns(runs, 1000 / trips))) as Partial<Record<ContenderId, Cell>>;
  cells.cpython = await pythonCell({ workload: 'executor_submit', n: trips, workers: WORKERS }, config.reps, config.timeoutMs, 1000 / trips);
  return {
    title: `submit round trip (${trips.toLocaleString('en-US')} sequential await executor.submit(echo, i); CPython: ProcessPoolExecutor submit().result())`,
    unit: 'µs/trip',
    cells,
    targets: [],
    comparisons: [
      { subject: 'processExecutor', reference: 'cpython' },
      { subject: 'threadExecutor', reference: 'cpython' },
    ],
  };
}
