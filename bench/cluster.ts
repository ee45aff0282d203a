/**
 * The cluster section: Pool({ backend: 'cluster' }) on a private redis-server with 2 local worker hosts,
 * against a plain BullMQ producer and 2 plain BullMQ workers doing the same jobs with the same payloads.
 * Rows: 10,000 tiny tasks via map (default chunking), 2,000 sequential apply (the per-job latency
 * floor), jobs/s of one-item jobs, and 80 × fib(30) over 2 hosts × 1 worker against serial. The map and
 * apply rows are measured with hosts on worker threads (`--backend thread`, the advice for tiny tasks) and
 * on child processes (the default), both against the same plain BullMQ runs and held to the same target. The first three time every side on clusters started together, one
 * repetition of each in turn, so that the ratio does not depend on which side ran while the machine was
 * busier. Skipped, with a note, when redis-server is not installed.
 */
import { execFileSync } from 'node:child_process';

import { Pool, task } from 'multipool';

import type { Cluster } from './cluster/setup.js';
import { HOSTS, PlainProducer, startCluster } from './cluster/setup.js';
import { echo, fib, square } from './cluster/tasks.js';
import type { BenchConfig } from './harness/config.js';
import type { Interleaved, Turn } from './harness/interleave.js';
import { failure, interleavedCells } from './harness/interleave.js';
import type { Cell } from './harness/measure.js';
import { attempt, cellFromRuns, check, repeat } from './harness/measure.js';
import type { Row } from './harness/table.js';

const TASKS = new URL('./cluster/tasks.ts', import.meta.url).href;
const MAP_N = 10_000;
/**
 * Maps timed in each turn of the map row: one map takes a few ms, so a turn of one map measured mostly which
 * process the machine woke first (the plain side came out 0.98-1.16x of itself with a bare hop added).
 */
const MAPS_PER_TURN = 10;
const TRIPS = 2_000;
const FIB_TASKS = 80;
const FIB_N = 30;
/** How much slower than plain BullMQ the map and apply rows may be: what a host's local pool may cost. */
const CLUSTER_OVERHEAD_LIMIT = 1.2;
/** Warm-up maps before timing: enough that both hosts have run the task at least once. */
const WARM_ROUNDS = 3;

/** True when redis-server is installed; the section is skipped otherwise. */
export function clusterBenchAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('  cluster: skipped, redis-server is not installed (apt-get install -y redis-server)\n');
    return false;
  }
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function withCluster(kind: 'multipool' | 'plain', workersPerHost: number, label: string, config: BenchConfig, measure: (cluster: Cluster) => Promise<Cell>): Promise<Cell> {
  return attempt(label, () => startCluster(kind, workersPerHost), measure, (cluster) => cluster.stop(), config.timeoutMs);
}

function clusterPool(cluster: Cluster, processes: number): Pool {
  return new Pool({ processes, backend: 'cluster', cluster: { url: cluster.url, queue: cluster.queue } });
}

/** One contender of an interleaved row: the kind of its hosts and their flags, and how to open it on its cluster. */
interface Side {
  readonly label: string;
  readonly kind: 'multipool' | 'plain';
  readonly hostArgs?: readonly string[];
  open(cluster: Cluster): Promise<Interleaved>;
}

/** The local backends a multipool host runs chunks on in the map and apply rows. */
const HOST_BACKENDS = ['thread', 'process'] as const;
type HostBackend = (typeof HOST_BACKENDS)[number];

/**
 * Times every side, each on a cluster of its own started before any is timed, one repetition of each in
 * turn (bench/harness/interleave.ts): a change in the machine's load then hits all alike instead of whichever
 * ran during it. A side that fails gets a FAIL cell. Cells in `sides`' order.
 */
async function interleaved(config: BenchConfig, sides: readonly Side[], toCell: (runs: readonly number[]) => Cell): Promise<Cell[]> {
  // Every cluster started is stopped at the end, also one whose side failed or timed out while opening
  // (stopping twice is harmless).
  const started: Cluster[] = [];
  const turns: Turn<string>[] = sides.map((side) => ({
    id: side.label,
    label: side.label,
    async open() {
      const cluster = await startCluster(side.kind, 1, side.hostArgs);
      started.push(cluster);
      return side.open(cluster);
    },
  }));
  try {
    const cells = await interleavedCells(turns, config.reps, config.timeoutMs, toCell);
    return sides.map((side) => cells.get(side.label) ?? failure(side.label, new Error('not measured')));
  } finally {
    for (const cluster of started) await cluster.stop();
  }
}

/** Our sides of a map or apply row, one per host backend (`open` given the backend's pool size). */
function hostSides(label: string, open: (cluster: Cluster) => Promise<Interleaved>): Side[] {
  return HOST_BACKENDS.map((backend) => ({ label: `${label} / multipool --backend ${backend}`, kind: 'multipool', hostArgs: ['--backend', backend], open }));
}

/**
 * The plain hosts that hand each job to a bare local worker and back: what a multipool host on `backend`
 * must add to plain BullMQ at the least, since a host runs its chunks on a local pool (the and
 * API.md's contract). plain-host.ts names the hops `thread` and `child`.
 */
const BARE_HOP: Record<HostBackend, string> = { thread: 'thread', process: 'child' };

/**
 * The rows of one measurement: one per host backend against the same plain runs, each held to `limit`
 * (thread hosts are the advice for tiny tasks, process hosts the default: both are printed, neither hidden).
 * `cells` are in the order of `rowSides`: ours per backend, plain, then plain with each bare hop; each row
 * also prints how far plain BullMQ with that backend's bare hop is from plain, and how far ours is from it.
 */
function backendRows(title: (backend: HostBackend) => string, unit: string, cells: readonly Cell[], limit: number): Row[] {
  const missing: Cell = { kind: 'fail', reason: 'not measured' };
  const plainCell = cells[HOST_BACKENDS.length] ?? missing;
  return HOST_BACKENDS.map((backend, i) => ({
    title: title(backend),
    unit,
    cells: { clusterPool: cells[i] ?? missing, plainBullmq: plainCell, plainBullmqHop: cells[HOST_BACKENDS.length + 1 + i] ?? missing },
    targets: [{ subject: 'clusterPool', reference: 'plainBullmq', kind: 'atMost', limit }],
    comparisons: [
      { subject: 'plainBullmqHop', reference: 'plainBullmq' },
      { subject: 'clusterPool', reference: 'plainBullmqHop' },
    ],
  }));
}

/** The sides of a map or apply row, in the order backendRows reads their cells. */
function rowSides(ours: readonly Side[], plain: (label: string, hostArgs?: readonly string[]) => Side, label: string): Side[] {
  return [...ours, plain(`${label} / plain BullMQ`), ...HOST_BACKENDS.map((backend) => plain(`${label} / plain BullMQ + bare ${BARE_HOP[backend]} hop`, [BARE_HOP[backend]]))];
}

/**
 * A plain BullMQ side: `turn(producer)` is one timed repetition, also run once before the clock starts;
 * `hostArgs` pick the plain hosts' hop (plain-host.ts).
 */
function plainSide(label: string, turn: (producer: PlainProducer) => Promise<void>, hostArgs?: readonly string[]): Side {
  return {
    label,
    kind: 'plain',
    ...(hostArgs ? { hostArgs } : {}),
    async open(cluster) {
      const producer = await PlainProducer.open(cluster);
      const run = (): Promise<void> => turn(producer);
      await run();
      return { run, close: () => producer.close() };
    },
  };
}

const xs = Array.from({ length: MAP_N }, (_, i) => i);
const squares = xs.map((x) => x * x);
/** Python's default chunksize for a pool of `HOSTS` slots: what Pool.map cuts the input into. */
const MAP_CHUNKSIZE = Math.ceil(MAP_N / (4 * HOSTS));

async function mapRows(config: BenchConfig): Promise<Row[]> {
  const maps = async (map: () => Promise<unknown[]>): Promise<void> => {
    for (let i = 0; i < MAPS_PER_TURN; i++) check((await map()).every((y, j) => y === squares[j]), 'cluster map results');
  };
  const ours = hostSides('cluster map', async (cluster) => {
    const pool = clusterPool(cluster, HOSTS);
    const fn = task(TASKS, square);
    await maps(() => pool.map(fn, xs));
    return { run: () => maps(() => pool.map(fn, xs)), close: () => pool.terminate() };
  });
  const chunks = chunksOf(xs, MAP_CHUNKSIZE).map((items) => ({ items, star: false }));
  const plain = (label: string, hostArgs?: readonly string[]): Side => plainSide(label, (producer) => maps(() => producer.run('square', chunks)), hostArgs);
  const cells = await interleaved(config, rowSides(ours, plain, 'cluster map'), (runs) => cellFromRuns(runs, 1 / MAPS_PER_TURN));
  const title = (backend: HostBackend): string => `cluster: map x => x * x over ${MAP_N.toLocaleString('en')} items, default chunking (${HOSTS} hosts, --backend ${backend}; ms per map, ${MAPS_PER_TURN} maps a turn)`;
  return backendRows(title, 'ms', cells, CLUSTER_OVERHEAD_LIMIT);
}

async function latencyRows(config: BenchConfig): Promise<Row[]> {
  const trips = async (send: (i: number) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < TRIPS; i++) check((await send(i)) === i, `trip ${i}`);
  };
  const ours = hostSides('cluster apply', async (cluster) => {
    const pool = clusterPool(cluster, 1);
    const fn = task(TASKS, echo);
    const send = (i: number): Promise<unknown> => pool.apply(fn, [i]);
    await trips(send);
    return { run: () => trips(send), close: () => pool.terminate() };
  });
  const plain = (label: string, hostArgs?: readonly string[]): Side => plainSide(label, (producer) => trips(async (i) => (await producer.run('echo', [{ items: [[i]], star: true }]))[0]), hostArgs);
  const cells = await interleaved(config, rowSides(ours, plain, 'cluster apply'), (runs) => cellFromRuns(runs, 1000 / TRIPS));
  const title = (backend: HostBackend): string => `cluster: ${TRIPS.toLocaleString('en')} sequential apply, per-job latency floor (--backend ${backend})`;
  return backendRows(title, 'µs/job', cells, CLUSTER_OVERHEAD_LIMIT);
}

async function throughputRow(config: BenchConfig): Promise<Row> {
  const items = xs.slice(0, TRIPS);
  const ours: Side = {
    label: 'cluster jobs/s / multipool',
    kind: 'multipool',
    async open(cluster) {
      const pool = clusterPool(cluster, 64);
      const fn = task(TASKS, square);
      await pool.map(fn, items, 1);
      return {
        run: async () => {
          await pool.map(fn, items, 1);
        },
        close: () => pool.terminate(),
      };
    },
  };
  const jobs = items.map((x) => ({ items: [x], star: false }));
  const plain = plainSide('cluster jobs/s / plain BullMQ', async (producer) => {
    await producer.run('square', jobs);
  });
  const [clusterPoolCell, plainCell] = await interleaved(config, [ours, plain], (runs) => cellFromRuns(runs.map((ms) => TRIPS / ms)));
  return {
    title: `cluster: one-item jobs, ${TRIPS.toLocaleString('en')} via map chunksize 1 (64 in flight)`,
    unit: 'jobs/ms',
    higherIsBetter: true,
    cells: { clusterPool: clusterPoolCell, plainBullmq: plainCell },
    targets: [],
    comparisons: [{ subject: 'clusterPool', reference: 'plainBullmq' }],
  };
}

async function fibRow(config: BenchConfig): Promise<Row> {
  const inputs = new Array<number>(FIB_TASKS).fill(FIB_N);
  const expected = fib(FIB_N);
  const serialRuns = await repeat(async () => check(inputs.map(fib).every((y) => y === expected), 'serial fib'), config.reps);
  const ours = await withCluster('multipool', 1, 'cluster fib / multipool', config, async (cluster) => {
    await using pool = clusterPool(cluster, HOSTS);
    const fn = task(TASKS, fib);
    // Every host's worker imports the task module before the clock starts.
    for (let warm = 0; warm < WARM_ROUNDS; warm++) await pool.map(fn, inputs.slice(0, 2 * HOSTS), 1);
    return cellFromRuns(await repeat(async () => check((await pool.map(fn, inputs)).every((y) => y === expected), 'cluster fib'), config.reps));
  });
  return {
    title: `cluster: ${FIB_TASKS} × fib(${FIB_N}) over ${HOSTS} hosts × 1 worker vs serial`,
    unit: 'ms',
    cells: { clusterPool: ours, serial: cellFromRuns(serialRuns) },
    targets: [{ subject: 'clusterPool', reference: 'serial', kind: 'speedupAtLeast', limit: 1.7 }],
  };
}

/** The cluster rows, or none (with a note) when redis-server is missing. */
export async function clusterRows(config: BenchConfig): Promise<Row[]> {
  if (!clusterBenchAvailable()) return [];
  return [...(await mapRows(config)), ...(await latencyRows(config)), await throughputRow(config), await fibRow(config)];
}
