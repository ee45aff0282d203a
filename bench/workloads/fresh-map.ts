/**
 * Workload: `map(x => x * x)` over 100,000 numbers on fresh pools, to split
 * the first map from the steady state. For each repetition a new pool is
 * started and, once every worker has started (two `workerStart` events for
 * ours, every initializer run for CPython), mapped over 5 times: the first
 * map pays for shipping and compiling the function and for every cold path
 * in the workers (start-up is not in it), maps 3 to 5 are warm. CPython does
 * the same in `mp_bench.py map_fresh`. The peers have no "workers started"
 * signal (piscina marks its first workers ready before they are), so they
 * appear in the warm row only, where their start-up is long over.
 */
import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, PeerPool } from '../harness/contenders.js';
import { defaultChunksize, openOurs, openPeer, OURS, peerMap, PEERS, WORKERS } from '../harness/contenders.js';
import { verifySame } from '../harness/map-row.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, timeOnce } from '../harness/measure.js';
import { pythonFreshMapCells } from '../harness/python.js';
import type { Row } from '../harness/table.js';

// One function object for every pool; each fresh pool still has to receive and compile it.
const square = (x: number): number => x * x;

/** Maps from the third on are the warm ones ("runs 3–5"). */
const FIRST_WARM_MAP = 3;

interface FreshCells {
  readonly first: Cell;
  readonly warm: Cell;
}

/** The pool of the repetition in progress, so a failing one is still torn down. */
interface Current<T> {
  subject: T | null;
}

/**
 * `reps` fresh pools, `mapsPerPool` verified maps each: map 1's times make
 * the first cell, maps 3.. the warm cell (median over all pools).
 */
async function freshCells<T>(
  label: string,
  config: BenchConfig,
  open: () => Promise<T> | T,
  map: (subject: T) => Promise<unknown[]>,
  close: (subject: T) => Promise<void>,
  expected: readonly number[],
): Promise<FreshCells> {
  const first: number[] = [];
  const warm: number[] = [];
  const cell = await attempt<Current<T>>(
    label,
    () => ({ subject: null }),
    async (current) => {
      for (let rep = 0; rep < config.reps.reps; rep++) {
        const subject = await open();
        current.subject = subject;
        for (let i = 1; i <= config.freshMap.mapsPerPool; i++) {
          const ms = await timeOnce(async () => verifySame(await map(subject), expected, `map ${i} of pool ${rep + 1}`));
          if (i === 1) first.push(ms);
          else if (i >= FIRST_WARM_MAP) warm.push(ms);
        }
        current.subject = null;
        await close(subject);
      }
      return cellFromRuns(first);
    },
    async (current) => {
      if (current.subject !== null) await close(current.subject);
    },
    config.timeoutMs,
  );
  return cell.kind === 'ok' ? { first: cell, warm: cellFromRuns(warm) } : { first: cell, warm: cell };
}

export async function freshMapRows(config: BenchConfig): Promise<Row[]> {
  const { n, mapsPerPool } = config.freshMap;
  const items = Array.from({ length: n }, (_, i) => i);
  const expected = items.map(square);
  const chunksize = defaultChunksize(n);
  const first: Partial<Record<ContenderId, Cell>> = {};
  const warm: Partial<Record<ContenderId, Cell>> = {};
  for (const id of OURS) {
    // openOurs resolves on the second workerStart: start-up stays out of the first map.
    const cells = await freshCells(`fresh map / ${id}`, config, () => openOurs(id), (pool) => pool.map(square, items), (pool) => pool.terminate(), expected);
    first[id] = cells.first;
    warm[id] = cells.warm;
  }
  const cpython = await pythonFreshMapCells(n, mapsPerPool, WORKERS, config.reps, config.timeoutMs);
  first.cpython = cpython.first;
  warm.cpython = cpython.warm;
  for (const id of PEERS) {
    // The same chunks by hand; their map 1 includes their start-up, so only the warm maps are shown.
    const cells = await freshCells<PeerPool>(`fresh map / ${id}`, config, () => openPeer(id), (peer) => peerMap(peer, 'squares', items, chunksize), (peer) => peer.destroy(), expected);
    first[id] = cells.first.kind === 'ok' ? { kind: 'skip', reason: 'no "workers started" signal to wait for: a first map would include the pool start-up' } : cells.first;
    warm[id] = cells.warm;
  }
  const what = `x=>x*x, ${n.toLocaleString('en-US')} items, default chunksize (${chunksize})`;
  return [
    {
      title: `map ${what}: first map of a fresh pool, median over ${config.reps.reps} pools (workers started, nothing run yet; CPython: first Pool.map)`,
      unit: 'ms',
      cells: first,
      targets: [{ subject: 'pool', reference: 'cpython', kind: 'atMost', limit: 1 }],
      comparisons: [{ subject: 'threadPool', reference: 'cpython' }],
    },
    {
      title: `map ${what}: warm, maps ${FIRST_WARM_MAP}–${mapsPerPool} of the same ${config.reps.reps} fresh pools, median of all (CPython: the same Pool.map calls)`,
      unit: 'ms',
      cells: warm,
      targets: [{ subject: 'pool', reference: 'cpython', kind: 'atMost', limit: 0.5 }],
      comparisons: [
        { subject: 'threadPool', reference: 'cpython' },
        { subject: 'threadPool', reference: 'piscina' },
      ],
    },
  ];
}
