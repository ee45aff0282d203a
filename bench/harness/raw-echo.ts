/**
 * The raw transports, for the latency floor: one bare worker thread and one
 * bare forked child that echo every message. No pool, no queue: one message
 * out, one back.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface Echo {
  roundTrip(value: number): Promise<unknown>;
  close(): Promise<void>;
}

/** One outstanding round trip at a time (the benchmark awaits each one). */
class Pending {
  #resolve: ((value: unknown) => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;

  wait(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  settle(value: unknown): void {
    const resolve = this.#resolve;
    this.#resolve = this.#reject = null;
    resolve?.(value);
  }

  fail(error: unknown): void {
    const reject = this.#reject;
    this.#resolve = this.#reject = null;
    reject?.(error);
  }
}

export function openThreadEcho(): Echo {
  const worker = new Worker(new URL('../peers/raw-thread-echo.mjs', import.meta.url));
  const pending = new Pending();
  worker.on('message', (message: unknown) => pending.settle(message));
  worker.on('error', (error) => pending.fail(error));
  return {
    roundTrip: (value) => {
      const reply = pending.wait();
      worker.postMessage(value);
      return reply;
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

export async function openProcessEcho(): Promise<Echo> {
  // The child is plain JavaScript: no loader flags needed, whatever this process runs under.
  const child = fork(fileURLToPath(new URL('../peers/raw-process-echo.mjs', import.meta.url)), [], {
    serialization: 'advanced',
    execArgv: [],
  });
  const pending = new Pending();
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
  });
  await ready;
  child.on('message', (message: unknown) => pending.settle(message));
  child.on('error', (error) => pending.fail(error));
  child.on('exit', (code, signal) => pending.fail(new Error(`echo child exited (${code ?? signal})`)));
  return {
    roundTrip: (value) => {
      const reply = pending.wait();
      child.send(value);
      return reply;
    },
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
