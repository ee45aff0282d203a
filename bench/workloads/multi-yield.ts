/**
 * Workload 8: `multiYield(x => x * x, seeds, { mode, workers: 2 })` over
 * 100,000 seeds from a generator, against the same stream through
 * `pool.imap(fn, seeds, 1)` on our pools. Both send one seed per task and
 * pull the source lazily; multiYield yields in completion order, so results
 * are checked as a multiset. multiYield has no pool object: every call
 * starts and stops its own workers, so that cost is inside its time (what a
 * user pays), while the pools are started before the clock as everywhere else.
 */
import type { MultiYieldMode, Pool } from 'multipool';
import { multiYield } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, OurId } from '../harness/contenders.js';
import { openOurs,OURS, WORKERS } from '../harness/contenders.js';
import { verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, check, repeat } from '../harness/measure.js';
import type { Row } from '../harness/table.js';

// One function object for warm-up and every repetition, so it is serialized once per pool.
const square = (x: number): number => x * x;

const WARMUP_SEEDS = 1000;

/** A fresh lazy source per run: a generator, not an array, so nobody can see its length. */
function* seeds(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * Throws `CheckFailed` unless `actual` holds exactly the values of
 * `sortedExpected`, in any order. Sorting a Float64Array is O(n log n) in
 * native code: a few ms for 100,000, paid equally by every contender.
 */
function verifyMultiset(actual: readonly number[], sortedExpected: Float64Array, what: string): void {
  check(actual.length === sortedExpected.length, `${what}: ${actual.length} results for ${sortedExpected.length} seeds`);
  const sorted = Float64Array.from(actual).sort();
  for (let i = 0; i < sorted.length; i++) {
    if (!Object.is(sorted[i], sortedExpected[i])) {
      check(false, `${what}: results are not the expected multiset (sorted position ${i} is ${sorted[i]}, expected ${sortedExpected[i]})`);
    }
  }
}

async function drain(results: AsyncIterable<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const value of results) out.push(value);
  return out;
}

/** The generator of the run in progress, so a hung run can still be stopped at teardown. */
interface MultiYieldRun {
  current: AsyncGenerator<number, void, undefined> | null;
}

function multiYieldCell(mode: MultiYieldMode, n: number, sortedExpected: Float64Array, config: BenchConfig): Promise<Cell> {
  const run = async (state: MultiYieldRun, count: number): Promise<number[]> => {
    state.current = multiYield(square, seeds(count), { mode, workers: WORKERS });
    const out = await drain(state.current);
    state.current = null;
    return out;
  };
  return attempt<MultiYieldRun>(
    `multiYield / ${mode}`,
    () => ({ current: null }),
    async (state) => {
      // Warms up this side's code (the workers are new on every call anyway).
      verifyMultiset(await run(state, WARMUP_SEEDS), sortedExpected.slice(0, WARMUP_SEEDS), 'warm-up');
      const runs = await repeat(async () => verifyMultiset(await run(state, n), sortedExpected, 'multiYield'), config.reps);
      return cellFromRuns(runs);
    },
    async (state) => {
      await state.current?.return();
    },
    config.timeoutMs,
  );
}

function imapCell(id: OurId, n: number, expected: readonly number[], sortedExpected: Float64Array, config: BenchConfig): Promise<Cell> {
  const run = (subject: Pool, count: number): Promise<number[]> => drain(subject.imap(square, seeds(count), 1));
  return attempt(
    `multiYield row / ${id} imap`,
    () => openOurs(id),
    async (subject) => {
      verifySame(await run(subject, WARMUP_SEEDS), expected.slice(0, WARMUP_SEEDS), 'warm-up');
      const runs = await repeat(async () => {
        const out = await run(subject, n);
        // The same multiset check as multiYield pays, then the order imap promises.
        verifyMultiset(out, sortedExpected, 'imap');
        verifySame(out, expected, 'imap');
      }, config.reps);
      return cellFromRuns(runs);
    },
    (subject) => subject.terminate(),
    config.timeoutMs,
  );
}

export async function multiYieldRow(config: BenchConfig): Promise<Row> {
  const { n } = config.multiYield;
  const expected = Array.from({ length: n }, (_, i) => square(i));
  const sortedExpected = Float64Array.from(expected).sort();
  const cells: Partial<Record<ContenderId, Cell>> = {};
  cells.multiYieldProcess = await multiYieldCell('process', n, sortedExpected, config);
  cells.multiYieldThread = await multiYieldCell('thread', n, sortedExpected, config);
  for (const id of OURS) cells[id] = await imapCell(id, n, expected, sortedExpected, config);
  return {
    title: `multiYield x=>x*x, ${n.toLocaleString('en-US')} seeds from a generator, workers 2 (Pool/ThreadPool: imap(fn, source, 1); multiYield's time includes starting its workers)`,
    unit: 'ms',
    cells,
    targets: [],
    comparisons: [
      { subject: 'multiYieldProcess', reference: 'pool' },
      { subject: 'multiYieldThread', reference: 'threadPool' },
    ],
  };
}
