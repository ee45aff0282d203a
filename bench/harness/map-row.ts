/**
 * The shape shared by the map workloads (squares, fib, Float64Array sums):
 * our pools call `map`, each peer library runs the same chunks as separate
 * tasks. Every contender is warmed up once, timed `reps` times, checked
 * against the expected values every time, and torn down.
 */
import type { Pool } from 'multipool';

import type { BenchConfig } from './config.js';
import type { ContenderId, OurId, PeerId, PeerPool, PeerTask } from './contenders.js';
import { openOurs, openPeer, OURS, peerMap,PEERS } from './contenders.js';
import type { Cell } from './measure.js';
import { attempt, cellFromRuns, check, repeat } from './measure.js';

export interface MapWorkload<T, R> {
  /** Row title, also used in progress output. */
  readonly title: string;
  readonly items: readonly T[];
  /** What `fn` gives for every item, computed on the main thread. */
  readonly expected: readonly R[];
  /** A small input for the warm-up run (starts workers, ships and compiles the function). */
  readonly warmup: readonly T[];
  /** Our task: self-contained, because it travels to the workers as source text. */
  readonly fn: (item: T) => R;
  /** The peer task that maps a whole chunk (see bench/peers/tasks.mjs). */
  readonly peerTask: PeerTask;
  /** The chunk size every contender uses. */
  readonly chunksize: number;
  /** False: our map gets no chunksize argument, so its default chunking is what is measured. */
  readonly passChunksize: boolean;
}

/** Throws `CheckFailed` unless `actual` is `expected`, value for value, in order. */
export function verifySame(actual: readonly unknown[], expected: readonly unknown[], what: string): void {
  check(Array.isArray(actual), `${what}: result is not an array`);
  check(actual.length === expected.length, `${what}: ${actual.length} results for ${expected.length} inputs`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      check(false, `${what}: result ${i} is ${String(actual[i])}, expected ${String(expected[i])}`);
    }
  }
}

export async function mapCells<T, R>(workload: MapWorkload<T, R>, config: BenchConfig): Promise<Partial<Record<ContenderId, Cell>>> {
  const cells: Partial<Record<ContenderId, Cell>> = {};
  for (const id of OURS) cells[id] = await oursCell(id, workload, config);
  for (const id of PEERS) cells[id] = await peerCell(id, workload, config);
  return cells;
}

function oursCell<T, R>(id: OurId, workload: MapWorkload<T, R>, config: BenchConfig): Promise<Cell> {
  const run = (pool: Pool, items: readonly T[]): Promise<unknown[]> =>
    workload.passChunksize ? pool.map(workload.fn, items, workload.chunksize) : pool.map(workload.fn, items);
  return attempt(
    `${workload.title} / ${id}`,
    () => openOurs(id),
    async (pool) => {
      verifySame(await run(pool, workload.warmup), workload.expected.slice(0, workload.warmup.length), 'warm-up');
      const runs = await repeat(async () => verifySame(await run(pool, workload.items), workload.expected, 'map'), config.reps);
      return cellFromRuns(runs);
    },
    (pool) => pool.terminate(),
    config.timeoutMs,
  );
}

function peerCell<T, R>(id: PeerId, workload: MapWorkload<T, R>, config: BenchConfig): Promise<Cell> {
  const run = (peer: PeerPool, items: readonly T[]): Promise<unknown[]> => peerMap(peer, workload.peerTask, items, workload.chunksize);
  return attempt(
    `${workload.title} / ${id}`,
    () => openPeer(id),
    async (peer) => {
      verifySame(await run(peer, workload.warmup), workload.expected.slice(0, workload.warmup.length), 'warm-up');
      const runs = await repeat(async () => verifySame(await run(peer, workload.items), workload.expected, 'map'), config.reps);
      return cellFromRuns(runs);
    },
    (peer) => peer.destroy(),
    config.timeoutMs,
  );
}
