/**
 * Workload: Queue throughput between two real `Process`es, the shape of the
 * CPython script's `run_queue` (bench/python/mp_shared_bench.py): a producer
 * and a consumer started for each run, both waiting on a start signal, the
 * consumer timing from that signal until it has every item. The queue lives
 * in this process. Between child processes (default backend) each put is one
 * write to it and the consumer's gets are served from leases; between worker
 * threads (`backend: 'thread'`) both use the queue's ring in shared memory.
 */
import type { ProcessBackend } from 'multipool';
import { Barrier, Process, Queue } from 'multipool';

import type { BenchConfig } from '../harness/config.js';
import type { Cell } from '../harness/measure.js';
import { attempt, cellFromRuns, check } from '../harness/measure.js';

/** Producer, consumer and this process meet at the start barrier. */
const PARTIES = 3;

/** Waits for the start signal, then puts 0 … n-1 on `queue`. Runs in a Process. */
export async function produceAfter(start: Barrier, queue: Queue<number>, n: number): Promise<void> {
  await start.wait();
  for (let i = 0; i < n; i++) await queue.put(i);
}

/** Waits for the start signal, then gets `n` items; puts [ms from the signal to the last item, their sum] on `out`. */
export async function consumeAfter(start: Barrier, queue: Queue<number>, n: number, out: Queue<[number, number]>): Promise<void> {
  await start.wait();
  const begin = performance.now();
  let total = 0;
  for (let i = 0; i < n; i++) total += await queue.get();
  await out.put([performance.now() - begin, total]);
}

/** The processes of the run in progress, so that a failed or timed-out run can stop them. */
type Live = Set<Process>;

/** One run: ms for `n` items from producer to consumer, each a fresh Process. */
async function runOnce(live: Live, n: number, backend: ProcessBackend, timeoutSeconds: number): Promise<number> {
  const start = new Barrier(PARTIES, { timeout: timeoutSeconds });
  const queue = new Queue<number>();
  const out = new Queue<[number, number]>();
  const processes = [
    new Process({ target: produceAfter, args: [start, queue, n], backend }),
    new Process({ target: consumeAfter, args: [start, queue, n, out], backend }),
  ];
  for (const p of processes) {
    live.add(p);
    p.start();
  }
  await start.wait();
  const [ms, total] = await out.get(true, timeoutSeconds);
  for (const p of processes) {
    await p.join();
    live.delete(p);
    check(p.exitCode === 0, `${p.name} exited with ${p.exitCode}`);
  }
  check(total === (n * (n - 1)) / 2, `the consumer summed ${total}`);
  return ms;
}

/** Items/s between two Processes of `backend`, `config.reps.reps` runs; any failure or hang is a FAIL cell. */
export async function processQueueCell(label: string, backend: ProcessBackend, config: BenchConfig, n: number): Promise<Cell> {
  const timeoutSeconds = config.timeoutMs / 1000;
  return attempt(
    label,
    (): Live => new Set(),
    async (live) => {
      const runs: number[] = [];
      for (let i = 0; i < config.reps.reps; i++) runs.push(await runOnce(live, n, backend, timeoutSeconds));
      return cellFromRuns(runs.map((ms) => (n / ms) * 1000));
    },
    (live) => {
      for (const p of live) p.kill();
    },
    config.timeoutMs,
  );
}
