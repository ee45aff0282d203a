/**
 * Who competes: our two pools, our two executors and multiYield, the peer
 * libraries (all with 2 workers), the raw transports and the baselines. The
 * column order of the table is the order of `CONTENDERS`.
 */
import type { Executor } from 'multipool';
import { Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor } from 'multipool';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';

export const WORKERS = 2;

export const CONTENDERS = [
  { id: 'pool', label: 'multipool Pool' },
  { id: 'threadPool', label: 'multipool ThreadPool' },
  { id: 'processExecutor', label: 'multipool ProcessPoolExecutor' },
  { id: 'threadExecutor', label: 'multipool ThreadPoolExecutor' },
  { id: 'multiYieldProcess', label: "multiYield ('process')" },
  { id: 'multiYieldThread', label: "multiYield ('thread')" },
  { id: 'piscina', label: 'piscina' },
  { id: 'tinypoolThreads', label: 'tinypool (threads)' },
  { id: 'tinypoolProcess', label: 'tinypool (child_process)' },
  { id: 'workerpool', label: 'workerpool' },
  // multiprocessing.Pool or concurrent.futures.ProcessPoolExecutor: the row title says which.
  { id: 'cpython', label: 'CPython' },
  // The bare transports our pools are built on, no pool: what each row does with them is in bench/README.md.
  { id: 'rawThreads', label: 'raw worker_threads' },
  { id: 'rawAtomics', label: 'raw worker_threads (Atomics wake)' },
  { id: 'rawProcesses', label: "raw fork ('advanced')" },
  { id: 'serial', label: 'serial (main thread)' },
  { id: 'clusterPool', label: "multipool Pool ('cluster')" },
  { id: 'plainBullmq', label: 'plain BullMQ' },
  // Plain BullMQ whose host hands each job to one bare worker thread (thread rows) or forked child (process
  // rows) and back: the least a multipool host, which runs its chunks on a local pool, can add.
  { id: 'plainBullmqHop', label: 'plain BullMQ + bare hop' },
] as const;

export type ContenderId = (typeof CONTENDERS)[number]['id'];

export type OurId = 'pool' | 'threadPool';
export const OURS: readonly OurId[] = ['pool', 'threadPool'];

/** Our pools, by id. */
export async function openOurs(id: OurId): Promise<Pool> {
  return allStarted(id === 'pool' ? new Pool(WORKERS) : new ThreadPool(WORKERS));
}

/**
 * Resolves once every worker has announced itself (`workerStart` fires when a worker listens), so a
 * timed run never starts while the second worker is still booting (it did: one worker ran 32 of 40 fib
 * tasks while the other was starting). Start-up stays untimed, as for the peers.
 */
async function allStarted<T extends { on(event: 'workerStart', listener: () => void): unknown }>(subject: T): Promise<T> {
  await new Promise<void>((resolve) => {
    let started = 0;
    subject.on('workerStart', () => {
      if (++started === WORKERS) resolve();
    });
  });
  return subject;
}

export type ExecutorId = 'processExecutor' | 'threadExecutor';
export const EXECUTORS: readonly ExecutorId[] = ['processExecutor', 'threadExecutor'];

/**
 * Our executors, by id, with every worker started. Executors start workers on
 * demand, one per submit while none is idle (as Python's do), so a few echo
 * submits start them; waiting for `workerStart` alone would wait forever.
 */
export async function openExecutor(id: ExecutorId): Promise<Executor> {
  const executor = id === 'processExecutor' ? new ProcessPoolExecutor(WORKERS) : new ThreadPoolExecutor(WORKERS);
  const started = allStarted(executor);
  const echoes = Array.from({ length: 2 * WORKERS }, (_, i) => executor.submit((x: number) => x, i));
  await Promise.all(echoes.map(async (future) => await future));
  return started;
}

/** Executors stop with Python's `shutdown(wait=True)`; nothing is left queued by then. */
export async function closeExecutor(executor: Executor): Promise<void> {
  await executor.shutdown({ wait: true, cancelFutures: true });
}

export type PeerId = 'piscina' | 'tinypoolThreads' | 'tinypoolProcess' | 'workerpool';
export const PEERS: readonly PeerId[] = ['piscina', 'tinypoolThreads', 'tinypoolProcess', 'workerpool'];

/** The exports of bench/peers/tasks.mjs. */
export type PeerTask = 'squares' | 'fibs' | 'sums' | 'echo' | 'sum';

/** One task in, one result out: what every peer library offers. */
export interface PeerPool {
  run(task: PeerTask, arg: unknown): Promise<unknown>;
  destroy(): Promise<void>;
}

const TASKS = new URL('../peers/tasks.mjs', import.meta.url);
const WORKERPOOL_WORKER = new URL('../peers/workerpool-worker.mjs', import.meta.url);

export function openPeer(id: PeerId): PeerPool {
  switch (id) {
    case 'piscina':
      return openPiscina();
    case 'tinypoolThreads':
      return openTinypool(false);
    case 'tinypoolProcess':
      return openTinypool(true);
    case 'workerpool':
      return openWorkerpool();
  }
}

function openPiscina(): PeerPool {
  const pool = new Piscina({ filename: TASKS.href, minThreads: WORKERS, maxThreads: WORKERS });
  return { run: (task, arg) => pool.run(arg, { name: task }) as Promise<unknown>, destroy: () => pool.destroy() };
}

function openTinypool(childProcess: boolean): PeerPool {
  const pool = new Tinypool({
    filename: TASKS.href,
    minThreads: WORKERS,
    maxThreads: WORKERS,
    ...(childProcess
      ? {
          runtime: 'child_process' as const,
          // Same wire format as multipool's Pool (typed arrays survive); fork() needs our env for PATH.
          serialization: 'advanced' as const,
          env: process.env as Record<string, string>,
        }
      : {}),
  });
  return { run: (task, arg) => pool.run(arg, { name: task }) as Promise<unknown>, destroy: () => pool.destroy() };
}

function openWorkerpool(): PeerPool {
  const pool = workerpool.pool(WORKERPOOL_WORKER.pathname, { minWorkers: WORKERS, maxWorkers: WORKERS, workerType: 'thread' });
  return {
    run: (task, arg) => pool.exec(task, [arg]) as Promise<unknown>,
    destroy: async () => {
      await pool.terminate();
    },
  };
}

/** Splits `items` as multipool's map does, so peers get the same number of the same chunks. */
export function chunked<T>(items: readonly T[], chunksize: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += chunksize) chunks.push(items.slice(i, i + chunksize));
  return chunks;
}

/** Python's default map chunksize: ceil(n / (4 * workers)). */
export function defaultChunksize(n: number, workers = WORKERS): number {
  return Math.max(1, Math.ceil(n / (4 * workers)));
}

/** A hand-chunked map on a peer: every chunk is one task, results concatenated in input order. */
export async function peerMap(peer: PeerPool, task: PeerTask, items: readonly unknown[], chunksize: number): Promise<unknown[]> {
  const parts = await Promise.all(chunked(items, chunksize).map((chunk) => peer.run(task, chunk) as Promise<unknown[]>));
  return parts.flat();
}
