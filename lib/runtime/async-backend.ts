/**
 * The `'async'` backend (gevent / `multiprocessing.dummy` for I/O-bound work):
 * each "worker" is a worker loop on the calling event loop, so tasks may be
 * closures and values are passed by reference, never cloned. Messages are
 * delivered on a microtask so neither side ever re-enters the other.
 */
import type { BrokenExecutor } from '../errors.js';
import { BrokenThreadPool } from '../errors.js';
import type { Backend, Chunk, WorkerEvents, WorkerHandle, WorkerSpec } from './backend.js';
import { batchMessage, crossingBatch, decodeMessage } from './codec.js';
import { releaseMoves } from './move.js';
import type { FnDef, ToWorker } from './protocol.js';
import { WorkerLoop } from './worker/worker-loop.js';

type AnyFunction = (...args: never[]) => unknown;

const NOTHING_KNOWN: ReadonlySet<number> = new Set();

const localDefs = new WeakMap<AnyFunction, FnDef>();
let nextLocalId = 1;

function localDef(fn: AnyFunction): FnDef {
  let def = localDefs.get(fn);
  if (!def) {
    def = { id: nextLocalId++, kind: 'local', fn };
    localDefs.set(fn, def);
  }
  return def;
}

export class AsyncBackend implements Backend {
  readonly kind = 'async';

  spawn(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
    return new InProcessWorker(spec, events);
  }

  prepare(): void {}

  broken(message: string, options?: ErrorOptions): BrokenExecutor {
    return new BrokenThreadPool(message, options);
  }
}

class InProcessWorker implements WorkerHandle {
  readonly pid = process.pid;
  readonly threadId = undefined;
  readonly #events: WorkerEvents;
  readonly #loop: WorkerLoop;
  #deliver: (message: ToWorker) => void = () => {};
  #alive = true;

  constructor(spec: WorkerSpec, events: WorkerEvents) {
    this.#events = events;
    this.#loop = new WorkerLoop(
      {
        crossing: 'reference',
        send: (message) => queueMicrotask(() => this.#alive && events.message(decodeMessage(message))),
        onMessage: (listener) => {
          this.#deliver = listener;
        },
      },
      { workerId: spec.workerId, loaders: [], initializer: spec.initializer ? localDef(spec.initializer) : null, initargs: spec.initargs },
    );
    queueMicrotask(() => events.ready());
  }

  post(chunks: readonly Chunk[]): void {
    // Every function is "known": the in-process loop gets the definitions each time, by reference.
    const { message } = batchMessage(chunks, localDef, NOTHING_KNOWN);
    // Values go by reference: a value marked by move() arrives as itself, and its mark is consumed here.
    releaseMoves(crossingBatch(message, 'reference').moved);
    queueMicrotask(() => this.#alive && this.#deliver(message));
  }

  credit(job: number, index: number, n: number): void {
    queueMicrotask(() => this.#alive && this.#deliver({ t: 'credit', job, index, n }));
  }

  setRef(): void {
    // Nothing to hold: pending tasks keep the event loop alive by themselves.
  }

  /** Nothing here has signals: stopping the loop is all either can do. */
  kill(): void {
    void this.terminate();
  }

  terminate(): Promise<void> {
    // Nothing to wait for, but a throwing `exit` hook (a user's `workerExit` listener) must
    // reject the promise rather than throw at the caller: throwing in the executor does that.
    return new Promise((resolve) => {
      if (this.#alive) {
        this.#alive = false;
        this.#loop.stop();
        this.#events.exit({ exitCode: 0, signal: null });
      }
      resolve();
    });
  }
}
