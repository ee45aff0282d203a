/**
 * Workload 4: 200 Float64Arrays of 32,768 doubles (256 KB each), one sum per
 * array. Little compute, lots of bytes: this measures how typed arrays cross
 * to workers (structured clone / v8 serialization) in bulk.
 */
import type { BenchConfig } from '../harness/config.js';
import { defaultChunksize } from '../harness/contenders.js';
import type { MapWorkload } from '../harness/map-row.js';
import { mapCells, verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, repeat } from '../harness/measure.js';
import type { Row } from '../harness/table.js';

// Left-to-right, like the peers' `sums`, so every contender's double must be bit-identical.
export const sumTask = (array: Float64Array): number => {
  let total = 0;
  for (let i = 0; i < array.length; i++) total += array[i] as number;
  return total;
};

/** Deterministic, non-trivial doubles, so a sum that lost or reordered values shows. */
export function makeArrays(count: number, length: number): Float64Array[] {
  return Array.from({ length: count }, (_, i) => {
    const array = new Float64Array(length);
    for (let j = 0; j < length; j++) array[j] = Math.sin(i * length + j) * 1000;
    return array;
  });
}

async function serialCell(workload: MapWorkload<Float64Array, number>, config: BenchConfig): Promise<Cell> {
  const runs = await repeat(async () => verifySame(workload.items.map(sumTask), workload.expected, 'serial'), config.reps);
  return cellFromRuns(runs);
}

export async function floatSumsRow(config: BenchConfig): Promise<Row> {
  const { arrays, length } = config.floats;
  const items = makeArrays(arrays, length);
  const workload: MapWorkload<Float64Array, number> = {
    title: `${arrays} × Float64Array(${length}) sums, default chunksize (${defaultChunksize(arrays)})`,
    items,
    expected: items.map(sumTask),
    warmup: items.slice(0, 8),
    fn: sumTask,
    peerTask: 'sums',
    chunksize: defaultChunksize(arrays),
    passChunksize: false,
  };
  const cells = await mapCells(workload, config);
  // For orientation only: how long the sums take without moving any bytes.
  cells.serial = await serialCell(workload, config);
  return { title: workload.title, unit: 'ms', cells, targets: [] };
}
