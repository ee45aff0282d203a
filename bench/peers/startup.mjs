// The start-up row's measurements, in a plain `node` process (no TypeScript
// loader), so neither our workers nor the raw ones pay for one: a user who
// runs built JavaScript pays neither.
//
//   node bench/peers/startup.mjs --reps 5 --workers 2
//
// Times, from the constructor to "every worker ready":
// - threadPool / pool: new ThreadPool(workers) / new Pool(workers) until `workerStart` has fired `workers` times;
// - rawThreads: `workers` bare `new Worker()`s until each has posted 'ready';
// - rawProcesses: `workers` bare `fork()`s (serialization: 'advanced') until each has sent 'ready'.
// Teardown is never timed and finishes before the next start. After one
// untimed round, the contenders take turns, round after round, so a change in
// the machine's load hits all of them alike. Prints one JSON object:
// { "<id>": { "runs_ms": [...] } or { "error": "..." }, ... }.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

import { Pool, ThreadPool } from 'multipool';

const RAW_THREAD = new URL('./raw-thread-echo.mjs', import.meta.url);
const RAW_PROCESS = fileURLToPath(new URL('./raw-process-echo.mjs', import.meta.url));

function expectReady(message) {
  if (message !== 'ready') throw new Error(`expected 'ready', got ${String(message)}`);
}

async function ours(Kind, workers) {
  const start = performance.now();
  const pool = new Kind(workers);
  try {
    await new Promise((resolve, reject) => {
      let started = 0;
      pool.on('workerStart', () => {
        if (++started === workers) resolve();
      });
      pool.on('error', reject);
    });
    return performance.now() - start;
  } finally {
    await pool.terminate();
  }
}

async function rawThreads(workers) {
  const start = performance.now();
  const threads = Array.from({ length: workers }, () => new Worker(RAW_THREAD));
  try {
    // once() rejects if the worker emits 'error' first.
    const replies = await Promise.all(threads.map((worker) => once(worker, 'message')));
    const ms = performance.now() - start;
    for (const [message] of replies) expectReady(message);
    return ms;
  } finally {
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}

async function rawProcesses(workers) {
  const start = performance.now();
  const children = Array.from({ length: workers }, () => fork(RAW_PROCESS, [], { serialization: 'advanced' }));
  const exited = children.map((child) => once(child, 'exit'));
  try {
    const replies = await Promise.all(children.map((child) => once(child, 'message')));
    const ms = performance.now() - start;
    for (const [message] of replies) expectReady(message);
    return ms;
  } finally {
    for (const child of children) child.kill();
    await Promise.all(exited);
  }
}

const CONTENDERS = {
  rawThreads,
  threadPool: (workers) => ours(ThreadPool, workers),
  rawProcesses,
  pool: (workers) => ours(Pool, workers),
};

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, workers: { type: 'string', default: '2' } } });
const reps = Number(values.reps);
const workers = Number(values.workers);
const report = Object.fromEntries(Object.keys(CONTENDERS).map((id) => [id, { runs_ms: [] }]));

for (let round = 0; round <= reps; round++) {
  for (const [id, start] of Object.entries(CONTENDERS)) {
    if ('error' in report[id]) continue;
    try {
      const ms = await start(workers);
      // Round 0 loads every module and warms the file cache: untimed.
      if (round > 0) report[id].runs_ms.push(ms);
    } catch (error) {
      report[id] = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }
}
process.stdout.write(JSON.stringify(report));
