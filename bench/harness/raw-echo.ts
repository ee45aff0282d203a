/**
 * The raw transports, for the latency floor: one bare worker thread and one
 * bare forked child that echo every message. No pool, no queue: one message
 * out, one back.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';

/** A bare worker thread that posts 'ready', then echoes every message (also the start-up row's raw Worker). */
const RAW_THREAD_ECHO = new URL('../peers/raw-thread-echo.mjs', import.meta.url);
/** A bare worker that waits in Atomics.wait and echoes every message it is woken for. */
const RAW_THREAD_ATOMICS_ECHO = new URL('../peers/raw-thread-atomics-echo.mjs', import.meta.url);
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

/**
 * The same echo with the worker woken through shared memory (piscina's way): the parent posts, then sets
 * and notifies a word the worker waits on in `Atomics.wait`; the reply comes back by `postMessage`.
 */
export async function openThreadAtomicsEcho(): Promise<Echo> {
  const { port1, port2 } = new MessageChannel();
  const word = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(RAW_THREAD_ATOMICS_ECHO, { workerData: { port: port2, word }, transferList: [port2] });
  await new Promise<void>((resolve, reject) => {
    port1.once('message', () => resolve());
    worker.once('error', reject);
  });
  const pending = new Pending();
  port1.on('message', (message: unknown) => pending.settle(message));
  worker.on('error', (error) => pending.fail(error));
  return {
    roundTrip: (value) => {
      const reply = pending.wait();
      port1.postMessage(value);
      Atomics.store(word, 0, 1);
      Atomics.notify(word, 0);
      return reply;
    },
    close: async () => {
      port1.close();
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

/** A call waiting for a child with room. */
interface Waiting {
  readonly value: number;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * `children` bare forked echo children, the transport floor of a ProcessPoolExecutor: a future there counts as
 * running once a child holds it, as one does in CPython once it enters the call queue (`max_workers + 1` long)
 * that its workers take from. So each child runs one call, at most `queued` more wait behind running ones in
 * all, and the rest wait here in order; the child that holds the fewest takes the next.
 */
export async function openBoundedProcessEchoes(children: number, queued: number): Promise<{ send(value: number): Promise<unknown>; close(): Promise<void> }> {
  const waiting: Waiting[] = [];
  const lanes = await Promise.all(
    Array.from({ length: children }, async () => {
      const child = fork(fileURLToPath(RAW_PROCESS_ECHO), [], { serialization: 'advanced', execArgv: [] });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('error', reject);
      });
      return { child, held: [] as Waiting[], exited: once(child, 'exit') };
    }),
  );
  let behind = 0;
  const dispatch = (): void => {
    while (waiting.length > 0) {
      const lane = lanes.reduce((fewest, next) => (next.held.length < fewest.held.length ? next : fewest));
      if (lane.held.length > 0 && behind >= queued) return;
      if (lane.held.length > 0) behind++;
      const call = waiting.shift() as Waiting;
      lane.held.push(call);
      lane.child.send(call.value);
    }
  };
  for (const lane of lanes) {
    lane.child.on('message', (reply: unknown) => {
      if (lane.held.length > 1) behind--;
      lane.held.shift()?.resolve(reply);
      dispatch();
    });
    lane.child.on('exit', (code, signal) => {
      behind -= Math.max(0, lane.held.length - 1);
      for (const call of lane.held.splice(0)) call.reject(new Error(`echo child exited (${code ?? signal})`));
    });
  }
  return {
    send: (value) =>
      new Promise((resolve, reject) => {
        waiting.push({ value, resolve, reject });
        dispatch();
      }),
    close: async () => {
      for (const { child, exited } of lanes) {
        if (child.exitCode === null && child.signalCode === null) child.kill();
        await exited;
      }
    },
  };
}
