/**
 * Workload: the bare channel under a queue between two child processes, the
 * floor the Queue rows are measured against. A producer child writes one
 * small frame per item and waits until its bytes are with the kernel (what
 * lets an awaited put survive its producer); this process forwards what it
 * reads to a consumer child, which writes one acknowledgement per item (what
 * keeps an item from being served twice). No serialization, no queue.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

import type { BenchConfig } from '../harness/config.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns } from '../harness/measure.js';

const PARTY = fileURLToPath(new URL('../peers/raw-queue-party.mjs', import.meta.url));

/** What this run started, for the teardown of a failed or timed-out run. */
interface Live {
  readonly children: Set<ChildProcess>;
  server: Server | null;
}

/** The consumer's socket, once its greeting ('C') names it; the producer's bytes go there. */
function relay(server: Server): Promise<void> {
  let consumer: Socket | null = null;
  return new Promise((resolve) => {
    server.on('connection', (socket) => {
      socket.once('data', (first: Buffer) => {
        if (first[0] === 0x43) {
          consumer = socket;
          socket.resume();
          resolve();
          return;
        }
        consumer?.write(first.subarray(1));
        socket.on('data', (chunk: Buffer) => consumer?.write(chunk));
      });
    });
  });
}

async function runOnce(live: Live, n: number, run: number): Promise<number> {
  const name = `multipool-bench-raw-${process.pid}-${run}`;
  const server = createServer();
  live.server = server;
  const consumerReady = relay(server);
  server.listen(`\0${name}`);
  await once(server, 'listening');
  const consumer = fork(PARTY, [String(n), 'consumer', name], { execArgv: [] });
  live.children.add(consumer);
  const ms = once(consumer, 'message') as Promise<[number]>;
  // The producer starts once the consumer is known, so no frame is forwarded to nobody.
  await consumerReady;
  live.children.add(fork(PARTY, [String(n), 'producer', name], { execArgv: [] }));
  const [elapsed] = await ms;
  stop(live);
  return elapsed;
}

function stop(live: Live): void {
  for (const child of live.children) child.kill();
  live.children.clear();
  live.server?.close();
  live.server = null;
}

/** Items/s through the bare channel, `config.reps.reps` runs. */
export async function rawQueueCell(config: BenchConfig, n: number): Promise<Cell> {
  return attempt(
    'Queue / raw channel',
    (): Live => ({ children: new Set(), server: null }),
    async (live) => {
      const runs: number[] = [];
      for (let i = 0; i < config.reps.reps; i++) runs.push(await runOnce(live, n, i));
      return cellFromRuns(runs.map((ms) => (n / ms) * 1000));
    },
    stop,
    config.timeoutMs,
  );
}
