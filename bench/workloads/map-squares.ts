/**
 * Workload 1: `x => x * x` over 100,000 numbers with default chunking. The
 * task is trivial, so this measures pure per-item and per-chunk overhead:
 * cloning arrays of numbers both ways and reassembling them in order.
 */
import type { BenchConfig } from '../harness/config.js';
import { defaultChunksize,WORKERS } from '../harness/contenders.js';
import type { MapWorkload } from '../harness/map-row.js';
import { mapCells } from '../harness/map-row.js';
import { pythonCell } from '../harness/python.js';
import type { Row } from '../harness/table.js';

// One function object for warm-up and every repetition, so workers compile it once.
const square = (x: number): number => x * x;

export async function mapSquaresRow(config: BenchConfig): Promise<Row> {
  const n = config.map.n;
  const items = Array.from({ length: n }, (_, i) => i);
  const workload: MapWorkload<number, number> = {
    title: `map x=>x*x, ${n.toLocaleString('en-US')} items, default chunksize (${defaultChunksize(n)})`,
    items,
    expected: items.map(square),
    warmup: items.slice(0, 1000),
    fn: square,
    peerTask: 'squares',
    chunksize: defaultChunksize(n),
    // Our default chunking is what this row measures; the peers get the same chunks by hand.
    passChunksize: false,
  };
  const cells = await mapCells(workload, config);
  // Python picks the same default chunksize itself: divmod(n, 4 * workers), rounded up.
  cells.cpython = await pythonCell({ workload: 'map', n, workers: WORKERS }, config.reps, config.timeoutMs);
  return {
    title: workload.title,
    unit: 'ms',
    cells,
    // piscina gets exactly our chunks, so this is our map against the same work hand-chunked on the fastest peer.
    targets: [{ subject: 'threadPool', reference: 'piscina', kind: 'atMost', limit: 0.5 }],
    comparisons: [{ subject: 'pool', reference: 'cpython' }],
  };
}
