/**
 * Plain worker threads as a contender for CPU-bound work: `WORKERS` bare
 * Workers, each given one contiguous share of the inputs in one message.
 * The best case for two threads (no queue, no chunking decisions, one
 * message each way per worker), so a pool's speed-up is compared with theirs.
 */
import { Worker } from 'node:worker_threads';

import { WORKERS } from './contenders.js';

const RAW_FIB_THREAD = new URL('../peers/raw-fib-thread.mjs', import.meta.url);

export interface RawThreads {
  /** fib of every input, in input order. */
  map(inputs: readonly number[]): Promise<number[]>;
  close(): Promise<void>;
}

/** Resolves with the worker's next message, rejects on its error or exit. */
function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`raw fib worker exited with code ${code}`));
    };
    const onMessage = (message: unknown): void => {
      cleanup();
      resolve(message);
    };
    const cleanup = (): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

/** Starts the workers and resolves once each has posted 'ready'. */
export async function openRawFibThreads(workers = WORKERS): Promise<RawThreads> {
  const threads = Array.from({ length: workers }, () => new Worker(RAW_FIB_THREAD));
  try {
    await Promise.all(threads.map(nextMessage));
  } catch (error) {
    await Promise.all(threads.map((worker) => worker.terminate()));
    throw error;
  }
  return {
    map: async (inputs) => {
      const share = Math.ceil(inputs.length / threads.length);
      const parts = threads.map((worker, i) => {
        const reply = nextMessage(worker);
        worker.postMessage(inputs.slice(i * share, (i + 1) * share));
        return reply as Promise<number[]>;
      });
      return (await Promise.all(parts)).flat();
    },
    close: async () => {
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}
