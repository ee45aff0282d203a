/**
 * The quickstart demo (`npm start`): a real CPU-bound map, run serially and
 * then on a process Pool and a ThreadPool, with the speed-up printed.
 */
import { availableParallelism } from 'node:os';

import { Pool, ThreadPool } from 'multipool';

/**
 * Naive Fibonacci: pure CPU work. It uses nothing but its parameter and itself, so this module-level
 * declaration travels to the workers as source text and runs there as fast as it does here.
 */
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// About two seconds of serial work on one core (40 × fib(34)): enough that start-up noise does not hide the speed-up.
const inputs = Array.from({ length: 40 }, () => 34);
const workers = availableParallelism();

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

let start = process.hrtime.bigint();
const serial = inputs.map(fib);
const serialTime = seconds(start);
console.log(`serial:     ${inputs.length} x fib(${inputs[0]}) in ${serialTime.toFixed(2)} s`);

for (const [label, PoolClass] of [
  ['Pool', Pool],
  ['ThreadPool', ThreadPool],
] as const) {
  await using pool = new PoolClass(workers);
  // Time the work, not the start-up: wait until every worker has announced itself.
  await new Promise<void>((resolve) => {
    let started = 0;
    pool.on('workerStart', () => {
      if (++started === workers) resolve();
    });
  });
  start = process.hrtime.bigint();
  // A bar on stderr when it is a terminal (done/total, rate, ETA); nothing otherwise.
  const results = await pool.map(fib, inputs, { chunksize: 1, progress: true });
  const time = seconds(start);
  if (results.join() !== serial.join()) throw new Error(`${label} returned different results`);
  console.log(`${label.padEnd(11)} ${inputs.length} x fib(${inputs[0]}) in ${time.toFixed(2)} s on ${workers} workers: ${(serialTime / time).toFixed(2)}x faster`);
}
