/**
 * Workload: the Float64Array sums again (200 arrays of 256 KB), one task per
 * array, with the arrays moved instead of copied: `applyAsync(sum, [move(a)])`
 * on our pools against piscina's `run(a)`, which copies each array. A child
 * process cannot take a transfer, so `Pool` copies too (orientation). Moving
 * detaches the sender's arrays, so every run gets fresh copies, made before
 * its clock starts.
 */
import type { Pool } from 'multipool';
import { move } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, PeerPool } from '../harness/contenders.js';
import { openOurs, openPeer, OURS } from '../harness/contenders.js';
import type { Turn } from '../harness/interleave.js';
import { interleavedCells, warmedTurn } from '../harness/interleave.js';
import { verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, timeOnce } from '../harness/measure.js';
import type { Row } from '../harness/table.js';
import { makeArrays, sumTask } from './float-sums.js';

/** Arrays sent in the warm-up run (workers started, the task shipped and compiled). */
const WARMUP_ARRAYS = 8;

/**
 * Rounds of the row: ours and piscina opened at once and timed in turn, one repetition each per round (see
 * interleave.ts); the row's ratio moved from 0.32× to 0.56× between two runs of the same code when each
 * contender's repetitions ran back to back.
 */
const ROUNDS = 5;

/** Times `run` on fresh copies of `items` `reps` times (copies made untimed), each result checked. */
async function timedOnCopies(items: readonly Float64Array[], expected: readonly number[], reps: BenchConfig['reps'], run: (arrays: Float64Array[]) => Promise<unknown[]>): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < reps.reps; i++) {
    const arrays = items.map((array) => array.slice());
    runs.push(await timeOnce(async () => verifySame(await run(arrays), expected, 'sums')));
    if ((runs[i] ?? 0) > reps.slowMs) break;
  }
  return runs;
}

/** A contender of the row: opened, warmed up (closed again if that fails), then each repetition on fresh copies made before its clock starts. */
function sumsTurn<T>(id: ContenderId, label: string, open: () => Promise<T> | T, run: (subject: T, arrays: Float64Array[]) => Promise<unknown[]>, close: (subject: T) => Promise<unknown>, items: readonly Float64Array[], expected: readonly number[]): Turn<ContenderId> {
  const warmup = items.slice(0, WARMUP_ARRAYS);
  const warm = async (subject: T): Promise<void> => verifySame(await run(subject, warmup.map((array) => array.slice())), expected.slice(0, WARMUP_ARRAYS), 'warm-up');
  return warmedTurn(id, label, { open, warm, close }, (subject) => {
    let arrays: Float64Array[] = [];
    return {
      prepare: () => {
        arrays = items.map((array) => array.slice());
      },
      run: async () => verifySame(await run(subject, arrays), expected, 'sums'),
    };
  });
}

export async function moveSumsRow(config: BenchConfig): Promise<Row> {
  const { arrays, length } = config.floats;
  const items = makeArrays(arrays, length);
  const expected = items.map(sumTask);
  const title = `${arrays} × Float64Array(${length}) sums, one task per array, moved with move() (ours) vs copied by piscina's run(), timed in turn, ${ROUNDS} rounds`;
  const ours = (pool: Pool, batch: Float64Array[]): Promise<number[]> => Promise.all(batch.map((array) => pool.applyAsync(sumTask, [move(array)]).get()));
  const peer = (pool: PeerPool, batch: Float64Array[]): Promise<unknown[]> => Promise.all(batch.map((array) => pool.run('sum', array)));
  const turns = [
    ...OURS.map((id) => sumsTurn<Pool>(id, `${title} / ${id}`, () => openOurs(id), ours, (pool) => pool.terminate(), items, expected)),
    sumsTurn<PeerPool>('piscina', `${title} / piscina`, () => openPeer('piscina'), peer, (pool) => pool.destroy(), items, expected),
  ];
  const cells = Object.fromEntries(await interleavedCells(turns, { reps: ROUNDS, slowMs: config.reps.slowMs }, config.timeoutMs, (runs) => cellFromRuns(runs))) as Partial<Record<ContenderId, Cell>>;
  // For orientation only: the sums without any crossing.
  cells.serial = cellFromRuns(await timedOnCopies(items, expected, config.reps, (batch) => Promise.resolve(batch.map(sumTask))));
  return {
    title,
    unit: 'ms',
    cells,
    targets: [{ subject: 'threadPool', reference: 'piscina', kind: 'atMost', limit: 0.5 }],
  };
}
