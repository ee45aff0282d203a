/**
 * Workload 2: one-task round-trip latency. 2,000 sequential single tasks,
 * each awaited before the next is sent, against the raw transport each of
 * our pools is built on (a bare postMessage echo, a bare process.send echo)
 * and against piscina's `run()`, the fastest thread pool to beat.
 */
import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, PeerPool } from '../harness/contenders.js';
import { openOurs, openPeer,OURS, PEERS } from '../harness/contenders.js';
import type { Turn } from '../harness/interleave.js';
import { interleavedCells, warmedTurn } from '../harness/interleave.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, check } from '../harness/measure.js';
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

/**
 * A contender of a round-trip row: opened, warmed up with `WARMUP_TRIPS`, then timed `trips` round trips
 * per repetition, in turn with the others of its row (see interleave.ts).
 */
export function roundTripTurn<K extends string, T>(
  id: K,
  label: string,
  open: () => Promise<T> | T,
  send: (subject: T, value: number) => Promise<unknown>,
  close: (subject: T) => Promise<unknown>,
  trips: number,
): Turn<K> {
  const trip = (subject: T) => (value: number): Promise<unknown> => send(subject, value);
  return warmedTurn(id, label, { open, warm: (subject) => roundTrips(WARMUP_TRIPS, trip(subject)), close }, (subject) => ({ run: () => roundTrips(trips, trip(subject)) }));
}

export async function latencyRow(config: BenchConfig): Promise<Row> {
  const { trips } = config.latency;
  const turns: Turn<ContenderId>[] = [
    roundTripTurn('rawThreads', 'latency / raw postMessage', openThreadEcho, (e, v) => e.roundTrip(v), (e) => e.close(), trips),
    roundTripTurn('rawAtomics', 'latency / raw postMessage, Atomics wake', openThreadAtomicsEcho, (e, v) => e.roundTrip(v), (e) => e.close(), trips),
    roundTripTurn('rawProcesses', 'latency / raw process.send', openProcessEcho, (e, v) => e.roundTrip(v), (e) => e.close(), trips),
    ...OURS.map((id) => roundTripTurn(id, `latency / ${id}`, () => openOurs(id), (pool, v) => pool.apply(echo, [v]), (pool) => pool.terminate(), trips)),
    ...PEERS.map((id) => roundTripTurn<ContenderId, PeerPool>(id, `latency / ${id}`, () => openPeer(id), (peer, v) => peer.run('echo', v), (peer) => peer.destroy(), trips)),
  ];
  const cells = Object.fromEntries(await interleavedCells(turns, config.latency.reps, config.timeoutMs, (runs) => cellFromRuns(runs, 1000 / trips))) as Partial<Record<ContenderId, Cell>>;
  return {
    title: `1-task round trip (${trips.toLocaleString('en-US')} sequential apply/run, every contender open at once and timed in turn, ${config.latency.reps.reps} rounds; raw: one Worker echoing by postMessage, the same woken by Atomics, one forked child echoing by process.send)`,
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
