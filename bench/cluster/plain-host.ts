/**
 * The plain BullMQ side of the cluster bench: a BullMQ Worker that decodes the same payloads as a
 * multipool host and computes in its own process (no local pool), as a hand-written BullMQ service would.
 * With `child`, each job instead goes to one forked child process and back (the bare hop a multipool
 * host adds by running chunks on local workers), to measure what that hop costs on its own; with `thread`,
 * to one worker thread and back (the bare hop of a host started with `--backend thread`).
 * Usage: tsx bench/cluster/plain-host.ts <redis-url> <queue> [child|thread]
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { deserialize, serialize } from 'node:v8';
import { isMainThread, parentPort, Worker as Thread } from 'node:worker_threads';

import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { echo, fib, square } from './tasks.js';

const FUNCTIONS: Record<string, (x: number) => number> = { square, echo, fib };
const CHILD_ROLE = 'plain-host-child';

interface Call {
  readonly task: string;
  readonly items: unknown[];
  readonly star: boolean;
}

function compute({ task, items, star }: Call): number[] {
  const fn = FUNCTIONS[task.split('#')[1] ?? ''];
  if (!fn) throw new Error(`unknown task ${task}`);
  return items.map((item) => fn((star ? (item as number[])[0] : item) as number));
}

/** One forked child that computes each call it is sent, one at a time, as a local worker would. */
function childRunner(): (call: Call) => Promise<number[]> {
  const child: ChildProcess = fork(process.argv[1] ?? '', [CHILD_ROLE], { serialization: 'advanced', stdio: 'inherit' });
  let waiting: ((values: number[]) => void) | null = null;
  child.on('message', (values) => waiting?.(values as number[]));
  return (call) =>
    new Promise((resolve) => {
      waiting = resolve;
      child.send(call);
    });
}

/** One worker thread that computes each call it is sent, one at a time, as a local worker thread would. */
function threadRunner(): (call: Call) => Promise<number[]> {
  // A thread's entry module loads before an --import hook, so the thread registers tsx, then loads this file.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const thread = new Thread(boot, { eval: true });
  let waiting: ((values: number[]) => void) | null = null;
  thread.on('message', (values) => waiting?.(values as number[]));
  return (call) =>
    new Promise((resolve) => {
      waiting = resolve;
      thread.postMessage(call);
    });
}

function runnerFor(via: string): (call: Call) => Promise<number[]> {
  if (via === 'child') return childRunner();
  if (via === 'thread') return threadRunner();
  return async (call) => compute(call);
}

if (!isMainThread) {
  parentPort?.on('message', (call) => parentPort?.postMessage(compute(call as Call)));
} else if (process.argv[2] === CHILD_ROLE) {
  process.on('message', (call) => process.send?.(compute(call as Call)));
} else {
  const [url = '', queue = '', via = ''] = process.argv.slice(2);
  const run = runnerFor(via);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queue,
    async (job) => {
      const call = deserialize(Buffer.from((job.data as { p: string }).p, 'base64')) as Call;
      const values = await run(call);
      return serialize({ v: 1, ms: 0, kind: 'values', values }).toString('base64');
    },
    { connection, concurrency: 1 },
  );
  await worker.waitUntilReady();
  console.log('plain host ready');
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}
