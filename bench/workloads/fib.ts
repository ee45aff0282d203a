/**
 * Workload 3: 40 × fib(27), naive recursion, one item per task. CPU-bound
 * work where the pool should approach 2× on 2 workers; serial is the same
 * function on the main thread.
 */
import type { BenchConfig } from '../harness/config.js';
import type { MapWorkload } from '../harness/map-row.js';
import { mapCells, verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, repeat } from '../harness/measure.js';
import type { Row } from '../harness/table.js';

// Self-contained (the recursion lives inside), because it travels to workers as source.
const fibTask = (n: number): number => {
  const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
  return fib(n);
};

/** The same function on the main thread, warmed up first like every other contender. */
async function serialCell(workload: MapWorkload<number, number>, config: BenchConfig): Promise<Cell> {
  verifySame(workload.warmup.map(fibTask), workload.expected.slice(0, workload.warmup.length), 'warm-up');
  const runs = await repeat(async () => verifySame(workload.items.map(fibTask), workload.expected, 'serial'), config.reps);
  return cellFromRuns(runs);
}

export async function fibRow(config: BenchConfig): Promise<Row> {
  const { tasks, n } = config.fib;
  const items = new Array<number>(tasks).fill(n);
  const workload: MapWorkload<number, number> = {
    title: `${tasks} × fib(${n}), chunksize 1`,
    items,
    expected: new Array<number>(tasks).fill(fibTask(n)),
    warmup: items.slice(0, 4),
    fn: fibTask,
    peerTask: 'fibs',
    chunksize: 1,
    passChunksize: true,
  };
  const cells = await mapCells(workload, config);
  cells.serial = await serialCell(workload, config);
  return {
    title: workload.title,
    unit: 'ms',
    cells,
    targets: [
      { subject: 'pool', reference: 'serial', kind: 'speedupAtLeast', limit: 1.9 },
      { subject: 'threadPool', reference: 'serial', kind: 'speedupAtLeast', limit: 1.9 },
    ],
  };
}
