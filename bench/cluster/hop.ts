/**
 * Where a cluster job's latency goes: sequential `apply` of echo through multipool (hosts running chunks on
 * child processes, on worker threads, and on the host's own event loop) against plain BullMQ computing in the host, and plain BullMQ
 * forwarding each job to one forked child or one worker thread (the bare hops a multipool host adds, for
 * `--backend process` and `--backend thread`). Runs are interleaved, so
 * the load of the moment hits every contender alike; medians of `--reps` runs of `--trips` jobs. Also
 * counts, from Redis' own command statistics, the commands each side sends per job.
 * Usage: tsx bench/cluster/hop.ts [--trips 500] [--reps 7]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Redis } from 'ioredis';
import { Pool, task } from 'multipool';

import { median } from '../harness/measure.js';
import type { Cluster } from './setup.js';
import { PlainProducer, startCluster } from './setup.js';
import { echo } from './tasks.js';

const { values } = parseArgs({ options: { trips: { type: 'string', default: '500' }, reps: { type: 'string', default: '7' } } });
const TRIPS = Number(values.trips);
const REPS = Number(values.reps);
const TASKS = new URL('./tasks.ts', import.meta.url).href;
/** Commands a client or a host sends itself (the others in the statistics run inside these scripts). */
const SENT = ['evalsha', 'eval', 'bzpopmin', 'xread', 'publish'];

interface Contender {
  readonly name: string;
  readonly cluster: Cluster;
  readonly send: (i: number) => Promise<unknown>;
  readonly close: () => Promise<void>;
  readonly micros: number[];
  sent: number;
}

async function sentCommands(cluster: Cluster): Promise<number> {
  const client = new Redis(cluster.url);
  try {
    const stats = await client.info('commandstats');
    return SENT.reduce((sum, name) => sum + Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0), 0);
  } finally {
    client.disconnect();
  }
}

async function multipool(name: string, backend: string): Promise<Contender> {
  const cluster = await startCluster('multipool', 1, ['--backend', backend]);
  const pool = new Pool({ processes: 1, backend: 'cluster', cluster: { url: cluster.url, queue: cluster.queue } });
  const fn = task(TASKS, echo);
  return { name, cluster, send: (i) => pool.apply(fn, [i]), close: () => pool.terminate(), micros: [], sent: 0 };
}

async function plain(name: string, extra: readonly string[]): Promise<Contender> {
  const cluster = await startCluster('plain', 1, extra);
  const producer = await PlainProducer.open(cluster);
  const send = (i: number): Promise<unknown> => producer.run('echo', [{ items: [[i]], star: true }]).then(() => i);
  return { name, cluster, send, close: () => producer.close(), micros: [], sent: 0 };
}

const contenders = [
  await multipool('multipool, host --backend process', 'process'),
  await multipool('multipool, host --backend thread', 'thread'),
  await multipool('multipool, host --backend async', 'async'),
  await plain('plain BullMQ', []),
  await plain('plain BullMQ + child-process hop', ['child']),
  await plain('plain BullMQ + worker-thread hop', ['thread']),
];
try {
  for (const c of contenders) for (let i = 0; i < 20; i++) await c.send(i);
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of contenders) {
      const before = await sentCommands(c.cluster);
      const start = performance.now();
      for (let i = 0; i < TRIPS; i++) if ((await c.send(i)) !== i) throw new Error(`${c.name}: wrong result for ${i}`);
      c.micros.push(((performance.now() - start) * 1000) / TRIPS);
      c.sent += (await sentCommands(c.cluster)) - before;
    }
  }
  const base = median(contenders.find((c) => c.name === 'plain BullMQ')?.micros ?? []);
  for (const c of contenders) {
    const us = median(c.micros);
    console.log(`${c.name.padEnd(36)} ${us.toFixed(0).padStart(6)} µs/job  ${(us / base).toFixed(2)}× plain  ${(c.sent / (REPS * TRIPS)).toFixed(2)} commands sent/job`);
  }
} finally {
  for (const c of contenders) {
    await c.close();
    await c.cluster.stop();
  }
}
