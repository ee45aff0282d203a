// The ceiling for CPU-bound scaling on threads: a bare worker that computes
// the naive recursive fib of every number of the array it is sent and posts
// the results back. The parent splits the inputs between two of these by
// hand; no pool, no queue, no protocol.
import { parentPort } from 'node:worker_threads';

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

parentPort.on('message', (inputs) => parentPort.postMessage(inputs.map(fib)));
// Listening now: the parent waits for this before it starts any clock.
parentPort.postMessage('ready');
