/**
 * The cluster section: Pool({ backend: 'cluster' }) on a private redis-server with 2 local worker hosts,
 * against a plain BullMQ producer and 2 plain BullMQ workers doing the same jobs with the same payloads.
 * Rows: 10,000 tiny tasks via map (default chunking), 2,000 sequential apply (the per-job latency
 * floor), jobs/s of one-item jobs, and 80 × fib(30) over 2 hosts × 1 worker against serial.
 * Skipped, with a note, when redis-server is not installed.
 */
import { execFileSync } from 'node:child_process';

import { Pool, task } from 'multipool';

import type { Cluster } from './cluster/setup.js';
import { HOSTS, PlainProducer, startCluster } from './cluster/setup.js';
import { echo, fib, square } from './cluster/tasks.js';
import type { BenchConfig } from './harness/config.js';
import type { Cell } from './harness/measure.js';
import { attempt, cellFromRuns, check, repeat } from './harness/measure.js';
import type { Row } from './harness/table.js';

const TASKS = new URL('./cluster/tasks.ts', import.meta.url).href;
const MAP_N = 10_000;
const TRIPS = 2_000;
const FIB_TASKS = 80;
const FIB_N = 30;
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

const xs = Array.from({ length: MAP_N }, (_, i) => i);
const squares = xs.map((x) => x * x);
/** Python's default chunksize for a pool of `HOSTS` slots: what Pool.map cuts the input into. */
const MAP_CHUNKSIZE = Math.ceil(MAP_N / (4 * HOSTS));

async function mapRow(config: BenchConfig): Promise<Row> {
  const ours = await withCluster('multipool', 1, 'cluster map / multipool', config, async (cluster) => {
    await using pool = clusterPool(cluster, HOSTS);
    const fn = task(TASKS, square);
    await pool.map(fn, xs);
    const runs = await repeat(async () => check((await pool.map(fn, xs)).every((y, i) => y === squares[i]), 'cluster map results'), config.reps);
    return cellFromRuns(runs);
  });
  const plain = await withCluster('plain', 1, 'cluster map / plain BullMQ', config, async (cluster) => {
    const producer = await PlainProducer.open(cluster);
    try {
      const chunks = chunksOf(xs, MAP_CHUNKSIZE).map((items) => ({ items, star: false }));
      await producer.run('square', chunks);
      return cellFromRuns(await repeat(() => producer.run('square', chunks), config.reps));
    } finally {
      await producer.close();
    }
  });
  return {
    title: `cluster: map x => x * x over ${MAP_N.toLocaleString('en')} items, default chunking (${HOSTS} hosts)`,
    unit: 'ms',
    cells: { clusterPool: ours, plainBullmq: plain },
    targets: [{ subject: 'clusterPool', reference: 'plainBullmq', kind: 'atMost', limit: 1.2 }],
  };
}

async function latencyRow(config: BenchConfig): Promise<Row> {
  const trips = async (send: (i: number) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < TRIPS; i++) check((await send(i)) === i, `trip ${i}`);
  };
  const ours = await withCluster('multipool', 1, 'cluster apply / multipool', config, async (cluster) => {
    await using pool = clusterPool(cluster, 1);
    const fn = task(TASKS, echo);
    await trips((i) => pool.apply(fn, [i]));
    return cellFromRuns(await repeat(() => trips((i) => pool.apply(fn, [i])), config.reps), 1000 / TRIPS);
  });
  const plain = await withCluster('plain', 1, 'cluster apply / plain BullMQ', config, async (cluster) => {
    const producer = await PlainProducer.open(cluster);
    try {
      const send = (i: number): Promise<unknown> => producer.run('echo', [{ items: [[i]], star: true }]).then(() => i);
      await trips(send);
      return cellFromRuns(await repeat(() => trips(send), config.reps), 1000 / TRIPS);
    } finally {
      await producer.close();
    }
  });
  return {
    title: `cluster: ${TRIPS.toLocaleString('en')} sequential apply (per-job latency floor)`,
    unit: 'µs/job',
    cells: { clusterPool: ours, plainBullmq: plain },
    targets: [{ subject: 'clusterPool', reference: 'plainBullmq', kind: 'atMost', limit: 1.2 }],
  };
}

async function throughputRow(config: BenchConfig): Promise<Row> {
  const items = xs.slice(0, TRIPS);
  const rate = (runs: readonly number[]): Cell => cellFromRuns(runs.map((ms) => TRIPS / ms));
  const ours = await withCluster('multipool', 1, 'cluster jobs/s / multipool', config, async (cluster) => {
    await using pool = clusterPool(cluster, 64);
    const fn = task(TASKS, square);
    await pool.map(fn, items, 1);
    return rate(
      await repeat(async () => {
        await pool.map(fn, items, 1);
      }, config.reps),
    );
  });
  const plain = await withCluster('plain', 1, 'cluster jobs/s / plain BullMQ', config, async (cluster) => {
    const producer = await PlainProducer.open(cluster);
    try {
      const chunks = items.map((x) => ({ items: [x], star: false }));
      await producer.run('square', chunks);
      return rate(await repeat(() => producer.run('square', chunks), config.reps));
    } finally {
      await producer.close();
    }
  });
  return {
    title: `cluster: one-item jobs, ${TRIPS.toLocaleString('en')} via map chunksize 1 (64 in flight)`,
    unit: 'jobs/ms',
    higherIsBetter: true,
    cells: { clusterPool: ours, plainBullmq: plain },
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
  return [await mapRow(config), await latencyRow(config), await throughputRow(config), await fibRow(config)];
}
