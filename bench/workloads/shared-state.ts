/**
 * Workload: the multiprocessing primitives. Each run is timed where the work
 * happens (inside the worker), after every worker has started, as the CPython
 * script times inside its child processes:
 * - Lock: uncontended acquire/release pairs in a worker thread (shared memory)
 *   and in a Pool worker (each call a broker round trip: the floor there).
 * - Manager dict: set+get pairs from a Pool worker.
 * - Queue: small items from a producer to a consumer, both Pool workers (puts
 *   are one way, gets served from leases the owner hands the consumer), then
 *   both ThreadPool workers (the queue's ring in shared memory); and the same
 *   between two `Process`es, as the CPython script runs it
 *   (./queue-processes.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { Pool } from 'multipool';
import { Lock, Manager, Queue } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, OurId } from '../harness/contenders.js';
import { openOurs } from '../harness/contenders.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, check, describeFailure } from '../harness/measure.js';
import { pythonAvailable } from '../harness/python.js';
import type { Row } from '../harness/table.js';
import { processQueueCell } from './queue-processes.js';
import { rawQueueCell } from './queue-raw.js';

const SCRIPT = fileURLToPath(new URL('../python/mp_shared_bench.py', import.meta.url));

/** ms for `n` acquire/release pairs, timed in the worker. */
export async function lockPairs(lock: Lock, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    await lock.release();
  }
  return performance.now() - start;
}

/** ms for `n` set+get pairs on 100 keys, timed in the worker, and the sum read back (a check). */
export async function dictPairs(dict: { set(k: number, v: number): Promise<void>; get(k: number): Promise<unknown> }, n: number): Promise<[number, number]> {
  const start = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) {
    await dict.set(i % 100, i);
    total += (await dict.get(i % 100)) as number;
  }
  return [performance.now() - start, total];
}

export async function produce(queue: Queue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await queue.put(i);
}

/** ms from the first get until `n` items arrived, timed in the worker, and their sum. */
export async function consume(queue: Queue<number>, n: number): Promise<[number, number]> {
  const start = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) total += await queue.get();
  return [performance.now() - start, total];
}

const sumTo = (n: number): number => (n * (n - 1)) / 2;

/** Rates from ms per run: `n` operations each. */
const rate = (runs: readonly number[], n: number): Cell => cellFromRuns(runs.map((ms) => (n / ms) * 1000));

async function repeatIn(config: BenchConfig, run: () => Promise<number>): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < config.reps.reps; i++) runs.push(await run());
  return runs;
}

async function ourCell(label: string, id: OurId, config: BenchConfig, n: number, measure: (pool: Pool) => Promise<number>): Promise<Cell> {
  return attempt(label, () => openOurs(id), async (pool) => rate(await repeatIn(config, () => measure(pool)), n), (pool) => pool.terminate(), config.timeoutMs);
}

/** One CPython measurement (ms per run) as a rate cell; a missing python3 is a skip. */
async function pythonRate(workload: 'lock' | 'dict' | 'queue', n: number, config: BenchConfig): Promise<Cell> {
  if (!(await pythonAvailable())) return { kind: 'skip', reason: 'python3 not found' };
  try {
    const { stdout } = await promisify(execFile)('python3', [SCRIPT, workload, '--n', String(n), '--reps', String(config.reps.reps)], { timeout: config.timeoutMs });
    const report = JSON.parse(stdout) as { runs_ms: number[] };
    return rate(report.runs_ms, n);
  } catch (error) {
    return { kind: 'fail', reason: describeFailure(error) };
  }
}

function lockMeasure(n: number): (pool: Pool) => Promise<number> {
  const lock = new Lock();
  return (pool) => pool.apply(lockPairs, [lock, n]);
}

function dictMeasure(n: number): (pool: Pool) => Promise<number> {
  return async (pool) => {
    await using manager = new Manager();
    const [ms, total] = await pool.apply(dictPairs, [manager.dict<number, number>(), n]);
    check(total === sumTo(n), `dict pairs read back ${total}`);
    return ms;
  };
}

function queueMeasure(n: number): (pool: Pool) => Promise<number> {
  return async (pool) => {
    const queue = new Queue<number>();
    const [, [ms, total]] = await Promise.all([pool.apply(produce, [queue, n]), pool.apply(consume, [queue, n])]);
    check(total === sumTo(n), `the consumer summed ${total}`);
    return ms;
  };
}

export async function sharedStateRows(config: BenchConfig): Promise<Row[]> {
  const { lockPairs: lockN, remotePairs, dictPairs: dictN, queueItems } = config.shared;
  const lock: Partial<Record<ContenderId, Cell>> = {
    threadPool: await ourCell('Lock / thread', 'threadPool', config, lockN, lockMeasure(lockN)),
    pool: await ourCell('Lock / process', 'pool', config, remotePairs, lockMeasure(remotePairs)),
    cpython: await pythonRate('lock', lockN, config),
  };
  const dict: Partial<Record<ContenderId, Cell>> = {
    pool: await ourCell('Manager dict / process', 'pool', config, dictN, dictMeasure(dictN)),
    cpython: await pythonRate('dict', dictN, config),
  };
  const queue: Partial<Record<ContenderId, Cell>> = {
    pool: await ourCell('Queue / processes', 'pool', config, queueItems, queueMeasure(queueItems)),
    threadPool: await ourCell('Queue / threads', 'threadPool', config, queueItems, queueMeasure(queueItems)),
    cpython: await pythonRate('queue', queueItems, config),
    rawProcesses: await rawQueueCell(config, queueItems),
  };
  // The same CPython figure stands beside both Queue rows: it is measured once.
  const processQueue: Partial<Record<ContenderId, Cell>> = {
    pool: await processQueueCell('Queue / Process', 'process', config, queueItems),
    threadPool: await processQueueCell("Queue / Process ('thread')", 'thread', config, queueItems),
    ...(queue.cpython ? { cpython: queue.cpython } : {}),
  };
  return [
    {
      title: `Lock acquire/release pairs (ThreadPool: ${lockN.toLocaleString('en-US')} in a worker thread, shared memory; Pool: ${remotePairs.toLocaleString('en-US')} in a child process, a broker round trip per call; CPython: mp.Lock in a child process)`,
      unit: 'pairs/s',
      higherIsBetter: true,
      cells: lock,
      targets: [{ subject: 'threadPool', reference: 'cpython', kind: 'atLeast', limit: 1 }],
      comparisons: [{ subject: 'pool', reference: 'cpython' }],
    },
    {
      title: `Manager dict set+get pairs from a child process (${dictN.toLocaleString('en-US')}; CPython: Manager().dict() from a Process)`,
      unit: 'pairs/s',
      higherIsBetter: true,
      cells: dict,
      targets: [{ subject: 'pool', reference: 'cpython', kind: 'atLeast', limit: 1 }],
    },
    {
      title: `Queue, ${queueItems.toLocaleString('en-US')} small items producer → consumer (Pool: two child processes; ThreadPool: two worker threads; CPython: mp.Queue between two Processes; raw fork: the bare channel of one socket write per item on each side through this process, no queue)`,
      unit: 'items/s',
      higherIsBetter: true,
      cells: queue,
      targets: [
        { subject: 'pool', reference: 'cpython', kind: 'atLeast', limit: 0.5 },
        { subject: 'threadPool', reference: 'cpython', kind: 'atLeast', limit: 2 },
      ],
      comparisons: [{ subject: 'pool', reference: 'rawProcesses' }],
    },
    {
      title: `Queue, ${queueItems.toLocaleString('en-US')} small items between two Processes started for each run, timed in the consumer from a start signal (Pool column: two Processes; ThreadPool column: two Processes with backend 'thread'; CPython: mp.Queue between two Processes)`,
      unit: 'items/s',
      higherIsBetter: true,
      cells: processQueue,
      targets: [
        { subject: 'pool', reference: 'cpython', kind: 'atLeast', limit: 0.5 },
        { subject: 'threadPool', reference: 'cpython', kind: 'atLeast', limit: 2 },
      ],
    },
  ];
}
