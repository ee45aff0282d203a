/**
 * Workload 2: one-task round-trip latency. 2,000 sequential single tasks,
 * each awaited before the next is sent, against the raw transport each of
 * our pools is built on (a bare postMessage echo, a bare process.send echo)
 * and against piscina's `run()`, the fastest thread pool to beat.
 */
import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, PeerPool } from '../harness/contenders.js';
import { openOurs, openPeer,OURS, PEERS } from '../harness/contenders.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, check, repeat } from '../harness/measure.js';
import type { Echo } from '../harness/raw-echo.js';
import { openProcessEcho, openThreadAtomicsEcho, openThreadEcho } from '../harness/raw-echo.js';
import type { Row } from '../harness/table.js';

// Reused for every call, so the function is shipped and compiled once per worker.
export const echo = (value: number): number => value;

const WARMUP_TRIPS = 200;

/** `trips` sequential round trips of 0..trips-1, each checked. */
async function roundTrips(trips: number, send: (value: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < trips; i++) {
    const reply = await send(i);
    check(reply === i, `round trip ${i} answered ${String(reply)}`);
  }
}

/** Times `trips` round trips after a warm-up; the cell is in µs per round trip (median of reps). */
export async function latencyCell<T>(
  label: string,
  config: BenchConfig,
  open: () => Promise<T> | T,
  send: (subject: T, value: number) => Promise<unknown>,
  close: (subject: T) => Promise<unknown>,
  trips = config.latency.trips,
): Promise<Cell> {
  return attempt(
    `latency / ${label}`,
    open,
    async (subject) => {
      await roundTrips(WARMUP_TRIPS, (value) => send(subject, value));
      const runs = await repeat(() => roundTrips(trips, (value) => send(subject, value)), config.reps);
      return cellFromRuns(runs, 1000 / trips);
    },
    close,
    config.timeoutMs,
  );
}

export async function latencyRow(config: BenchConfig): Promise<Row> {
  const cells: Partial<Record<ContenderId, Cell>> = {};
  cells.rawThreads = await latencyCell<Echo>('raw postMessage', config, openThreadEcho, (e, v) => e.roundTrip(v), (e) => e.close());
  cells.rawAtomics = await latencyCell<Echo>('raw postMessage, Atomics wake', config, openThreadAtomicsEcho, (e, v) => e.roundTrip(v), (e) => e.close());
  cells.rawProcesses = await latencyCell<Echo>('raw process.send', config, openProcessEcho, (e, v) => e.roundTrip(v), (e) => e.close());
  for (const id of OURS) {
    cells[id] = await latencyCell(id, config, () => openOurs(id), (pool, v) => pool.apply(echo, [v]), (pool) => pool.terminate());
  }
  for (const id of PEERS) {
    cells[id] = await latencyCell<PeerPool>(id, config, () => openPeer(id), (peer, v) => peer.run('echo', v), (peer) => peer.destroy());
  }
  return {
    title: `1-task round trip (${config.latency.trips.toLocaleString('en-US')} sequential apply/run; raw: one Worker echoing by postMessage, the same woken by Atomics, one forked child echoing by process.send)`,
    unit: 'µs/trip',
    cells,
    targets: [
      { subject: 'threadPool', reference: 'rawThreads', kind: 'atMost', limit: 1.3 },
      { subject: 'threadPool', reference: 'piscina', kind: 'atMost', limit: 0.8 },
      { subject: 'pool', reference: 'rawProcesses', kind: 'atMost', limit: 1.3 },
    ],
    // The floor of any pool that posts a message each way: piscina sits on it, so 0.8× piscina is below it.
    comparisons: [
      { subject: 'piscina', reference: 'rawAtomics' },
      { subject: 'threadPool', reference: 'rawAtomics' },
    ],
  };
}
