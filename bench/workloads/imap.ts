/**
 * Workload 5: `imap` over 100,000 items with chunksize 1 and 1000, against
 * CPython's `Pool.imap`. Chunksize 1 is the worst case for a streaming
 * API: one task (and one result) per item, in order. `imap` is still being
 * written, so the rows are skipped while the build has none.
 */
import type { Pool } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, OurId } from '../harness/contenders.js';
import { openOurs,OURS, WORKERS } from '../harness/contenders.js';
import { verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, repeat } from '../harness/measure.js';
import { pythonCell } from '../harness/python.js';
import type { Row } from '../harness/table.js';

const square = (x: number): number => x * x;

/** The shape the API contract gives `imap`; typed here because the build may not have it yet. */
type Imap = (fn: (x: number) => number, iterable: Iterable<number>, chunksize?: number) => AsyncIterable<number>;

/** `pool.imap`, bound, or null while the library has no such method. */
function imapOf(pool: Pool): Imap | null {
  const imap = (pool as unknown as { imap?: unknown }).imap;
  return typeof imap === 'function' ? (imap as Imap).bind(pool) : null;
}

/** Whether this build of multipool has `imap` (checked on a live pool, as users would). */
async function hasImap(): Promise<boolean> {
  const pool = await openOurs('threadPool');
  try {
    return imapOf(pool) !== null;
  } finally {
    await pool.terminate();
  }
}

async function collect(imap: Imap, items: readonly number[], chunksize: number): Promise<number[]> {
  const out: number[] = [];
  for await (const value of imap(square, items, chunksize)) out.push(value);
  return out;
}

function oursCell(id: OurId, items: readonly number[], expected: readonly number[], chunksize: number, config: BenchConfig): Promise<Cell> {
  return attempt(
    `imap chunksize ${chunksize} / ${id}`,
    () => openOurs(id),
    async (pool) => {
      const imap = imapOf(pool);
      if (!imap) return { kind: 'skip', reason: 'pool.imap is not a function in this build' };
      verifySame(await collect(imap, items.slice(0, 1000), chunksize), expected.slice(0, 1000), 'warm-up');
      const runs = await repeat(async () => verifySame(await collect(imap, items, chunksize), expected, 'imap'), config.reps);
      return cellFromRuns(runs);
    },
    (pool) => pool.terminate(),
    config.timeoutMs,
  );
}

export async function imapRows(config: BenchConfig): Promise<Row[]> {
  const { n, chunksizes } = config.imap;
  const available = await hasImap();
  const items = Array.from({ length: n }, (_, i) => i);
  const expected = items.map(square);
  const rows: Row[] = [];
  for (const chunksize of chunksizes) {
    const cells: Partial<Record<ContenderId, Cell>> = {};
    for (const id of OURS) {
      cells[id] = available ? await oursCell(id, items, expected, chunksize, config) : { kind: 'skip', reason: 'pool.imap is not a function in this build; row not run' };
    }
    if (available) cells.cpython = await pythonCell({ workload: 'imap', n, chunksize, workers: WORKERS }, config.reps, config.timeoutMs);
    rows.push({
      title: `imap x=>x*x, ${n.toLocaleString('en-US')} items, chunksize ${chunksize}`,
      unit: 'ms',
      cells,
      targets:
        chunksize === 1
          ? [
              { subject: 'pool', reference: 'cpython', kind: 'atMost', limit: 0.1 },
              { subject: 'threadPool', reference: 'cpython', kind: 'atMost', limit: 0.1 },
            ]
          : [],
    });
  }
  return rows;
}
