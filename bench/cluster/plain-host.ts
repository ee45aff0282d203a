/**
 * The plain BullMQ side of the cluster bench: a BullMQ Worker that decodes the same payloads as a
 * multipool host and computes in its own process (no local pool), as a hand-written BullMQ service would.
 * Usage: tsx bench/cluster/plain-host.ts <redis-url> <queue>
 */
import { deserialize, serialize } from 'node:v8';

import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { echo, fib, square } from './tasks.js';

const FUNCTIONS: Record<string, (x: number) => number> = { square, echo, fib };
const [url = '', queue = ''] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(
  queue,
  async (job) => {
    const { task, items, star } = deserialize(Buffer.from((job.data as { p: string }).p, 'base64')) as { task: string; items: unknown[]; star: boolean };
    const fn = FUNCTIONS[task.split('#')[1] ?? ''];
    if (!fn) throw new Error(`unknown task ${task}`);
    const values = items.map((item) => fn((star ? (item as number[])[0] : item) as number));
    return serialize({ v: 1, ms: 0, kind: 'values', values }).toString('base64');
  },
  { connection, concurrency: 1 },
);
await worker.waitUntilReady();
console.log('plain host ready');
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
