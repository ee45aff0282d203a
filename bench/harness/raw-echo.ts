/**
 * The raw transports, for the latency floor: one bare worker thread and one
 * bare forked child that echo every message. No pool, no queue: one message
 * out, one back.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A bare worker thread that posts 'ready', then echoes every message (also the start-up row's raw Worker). */
const RAW_THREAD_ECHO = new URL('../peers/raw-thread-echo.mjs', import.meta.url);
/** A bare child that sends 'ready', then echoes every message (also the start-up row's raw fork). */
const RAW_PROCESS_ECHO = new URL('../peers/raw-process-echo.mjs', import.meta.url);

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

export async function openThreadEcho(): Promise<Echo> {
  const worker = new Worker(RAW_THREAD_ECHO);
  // The worker posts 'ready' once it listens, as the forked child does.
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
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
  const child = fork(fileURLToPath(RAW_PROCESS_ECHO), [], {
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
