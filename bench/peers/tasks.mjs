// Task functions for the peer pools (piscina, tinypool, workerpool). Plain
// JavaScript so every runtime (worker threads, tinypool's child processes)
// loads it without the tsx loader. Each map-style task takes a whole chunk
// (an array) and returns the mapped array, so the peers are chunked exactly
// like multipool's map; they have no map of their own.

/** Squares every number of the chunk. */
export function squares(chunk) {
  const out = new Array(chunk.length);
  for (let i = 0; i < chunk.length; i++) out[i] = chunk[i] * chunk[i];
  return out;
}

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Naive recursive fib of every number of the chunk (CPU-bound on purpose). */
export function fibs(chunk) {
  return chunk.map(fib);
}

function sum(array) {
  let total = 0;
  for (let i = 0; i < array.length; i++) total += array[i];
  return total;
}

/** The sum of one Float64Array, left to right: one task per array. */
export { sum };

/** The sum of every Float64Array of the chunk, summed left to right as the main thread does. */
export function sums(chunk) {
  return chunk.map(sum);
}

/** Returns its argument: a task that costs nothing, for round-trip latency. */
export function echo(value) {
  return value;
}
