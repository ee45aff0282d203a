/**
 * The machinery of the cluster bench: a private redis-server with worker hosts of one kind (multipool's
 * or plain BullMQ's), and the plain BullMQ producer that sends them the payloads multipool sends.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';

import { Queue, QueueEvents } from 'bullmq';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Worker hosts per cluster. */
export const HOSTS = 2;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function started(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (data: Buffer): void => {
      text += data.toString();
      if (pattern.test(text)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${text}`)));
  });
}

async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      return gone;
    }),
  );
}

/** A redis-server plus `HOSTS` hosts of one kind on `queue`; `stop` ends them all. */
export interface Cluster {
  readonly url: string;
  readonly queue: string;
  stop(): Promise<void>;
}

/** `extra`: more arguments for each host (a multipool host's flags, or `child` for the plain host). */
export async function startCluster(kind: 'multipool' | 'plain', workersPerHost: number, extra: readonly string[] = []): Promise<Cluster> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'multipool-bench-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await started(redis, /Ready to accept connections/, 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  const queue = `bench-${kind}`;
  const args =
    kind === 'multipool'
      ? ['--import', 'tsx', join(root, 'bin/multipool.js'), 'worker', '--url', url, '--queue', queue, '--tasks', 'bench/cluster/tasks.ts', '--concurrency', String(workersPerHost), ...extra]
      : ['--import', 'tsx', join(root, 'bench/cluster/plain-host.ts'), url, queue, ...extra];
  const hosts = Array.from({ length: HOSTS }, () => spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  await Promise.all(hosts.map((host) => started(host, kind === 'multipool' ? /multipool worker: queue/ : /plain host ready/, `${kind} host`)));
  return {
    url,
    queue,
    async stop() {
      await stopAll([...hosts, redis]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The plain producer: the payload multipool sends for the same chunk, one job each, awaited by one QueueEvents. */
export class PlainProducer {
  readonly queue: Queue;
  readonly events: QueueEvents;
  constructor(cluster: Cluster) {
    const connection = { url: cluster.url };
    this.queue = new Queue(cluster.queue, { connection });
    this.events = new QueueEvents(cluster.queue, { connection });
    // waitUntilFinished adds a listener per job on both: a map's worth at once is expected here.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
  }
  static async open(cluster: Cluster): Promise<PlainProducer> {
    const producer = new PlainProducer(cluster);
    await producer.events.waitUntilReady();
    return producer;
  }
  /**
   * Runs `chunks` (each its items and whether they are argument lists) as jobs, waits for them all and
   * decodes their return values, as a caller who wants the results must: the values of every chunk, in order.
   */
  async run(name: string, chunks: readonly { items: unknown[]; star: boolean }[]): Promise<unknown[]> {
    const jobs = await this.queue.addBulk(
      chunks.map(({ items, star }) => ({
        name: 'multipool-chunk',
        data: { p: serialize({ v: 1, task: `bench/cluster/tasks.ts#${name}`, items, star, perItem: false }).toString('base64') },
        // Kept until read: waitUntilFinished fails for a job removed before it looks.
        opts: { removeOnComplete: false, removeOnFail: false },
      })),
    );
    const returned = await Promise.all(jobs.map((job) => job.waitUntilFinished(this.events) as Promise<string>));
    return returned.flatMap((text) => (deserialize(Buffer.from(text, 'base64')) as { values: unknown[] }).values);
  }
  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.events.close()]);
  }
}
