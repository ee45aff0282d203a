/**
 * Threads and child processes, spawned by tinypool. Each worker is one
 * single-worker Tinypool that runs one bootstrap task; after that multipool
 * talks to the worker over its own channel (docs/design.md says why).
 */
import type { MessagePort, ResourceLimits } from 'node:worker_threads';
import { MessageChannel } from 'node:worker_threads';

import type Tinypool from 'tinypool';
import type { TinypoolWorker } from 'tinypool';

import type { BrokenExecutor } from '../errors.js';
import { BrokenProcessPool, BrokenThreadPool } from '../errors.js';
import type { Identity } from '../internal/identity.js';
import { asParent } from '../internal/identity.js';
import type { Backend, Chunk, WorkerEvents, WorkerHandle, WorkerSpec } from './backend.js';
import { outputDrained } from './child-output.js';
import { claimMemory } from './claims.js';
import { batchMessage, callTuple, crossingBatch, decodeMessage, refuseUnsendable } from './codec.js';
import { fnDef } from './function-ref.js';
import { encodeHandles } from './handles.js';
import { threadLoaderHints } from './loaders.js';
import type { Movable } from './move.js';
import { releaseMoves } from './move.js';
import type { Crossing, FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { createTinypool } from './tinypool-launch.js';
import { Gather } from './values.js';
import type { BootstrapTask } from './worker/worker-entry.js';

export interface TinypoolBackendOptions {
  /** Heap limits: as is for threads; a child process gets `maxOldGenerationSizeMb` as `--max-old-space-size`. */
  readonly resourceLimits?: ResourceLimits | undefined;
}

export class TinypoolBackend implements Backend {
  readonly kind: 'process' | 'thread';
  readonly #options: TinypoolBackendOptions;

  constructor(kind: 'process' | 'thread', options: TinypoolBackendOptions = {}) {
    this.kind = kind;
    this.#options = options;
  }

  spawn(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
    return new TinypoolWorkerHandle(this.kind, this.#options, spec, events);
  }

  prepare(fn: (...args: never[]) => unknown, argName: string): void {
    fnDef(fn, argName);
  }

  broken(message: string, options?: ErrorOptions): BrokenExecutor {
    return this.kind === 'process' ? new BrokenProcessPool(message, options) : new BrokenThreadPool(message, options);
  }
}

/**
 * What the bootstrap task hands a new worker. tinypool posts a task over a MessagePort, even to a child process,
 * so the Buffers in `initargs` are listed for the worker to restore.
 */
function workerInit(kind: 'process' | 'thread', spec: WorkerSpec): WorkerInit {
  const gather = new Gather('clone');
  refuseUnsendable(spec.initargs, gather);
  return {
    workerId: spec.workerId,
    loaders: kind === 'thread' ? threadLoaderHints() : [],
    initializer: spec.initializer ? fnDef(spec.initializer, 'initializer') : null,
    initargs: gather.handles ? encodeHandles(spec.initargs, kind === 'thread' ? 'clone' : 'v8') : spec.initargs,
    ...(gather.buffers ? { buffers: gather.buffers } : {}),
    ...(gather.handles ? { handles: true as const } : {}),
    identity: workerIdentity(kind, spec),
    ...(spec.process ? { oneShot: true } : {}),
  };
}

/**
 * A `Process` worker has the name its parent gave it. Pool workers are daemons, as Python's are, named after
 * Python's `SpawnPoolWorker-N` (Node starts fresh processes, as Python's spawn method does) or, for threads,
 * `ThreadPoolWorker-N`, with N the worker's number in its pool.
 */
function workerIdentity(kind: 'process' | 'thread', spec: WorkerSpec): Identity {
  const parent = asParent();
  if (spec.process) return { name: spec.process.name, daemon: spec.process.daemon, parent };
  return { name: `${kind === 'process' ? 'SpawnPoolWorker' : 'ThreadPoolWorker'}-${spec.workerId}`, daemon: true, parent };
}

class TinypoolWorkerHandle implements WorkerHandle {
  readonly pid: number;
  readonly threadId: number | undefined;
  readonly claimWords?: Int32Array;
  readonly #kind: 'process' | 'thread';
  readonly #pool: Tinypool;
  readonly #worker: TinypoolWorker;
  #port: MessagePort | undefined;
  readonly #known = new Set<number>();
  readonly #crossing: Crossing;
  /** Posts a message; a thread's port transfers `moved`, a child process gets copies. */
  #send: (message: ToWorker, moved: readonly Movable[] | null) => void = () => {
    throw new Error('multipool: worker channel is not open');
  };
  #alive = true;
  #booted = false;
  #bootError: unknown = undefined;
  #stopped: Promise<void> | null = null;
  /** The signal `kill()` stood in for on a thread, reported as what ended it. */
  #killedWith: NodeJS.Signals | null = null;
  /** What a thread threw that nobody caught. */
  #uncaught: unknown = undefined;

  constructor(kind: 'process' | 'thread', options: TinypoolBackendOptions, spec: WorkerSpec, events: WorkerEvents) {
    this.#kind = kind;
    this.#crossing = kind === 'thread' ? 'clone' : 'v8';
    this.#pool = createTinypool(kind, options.resourceLimits);
    const worker = this.#pool.threads[0];
    if (!worker) throw new Error('multipool: tinypool did not start a worker');
    this.#worker = worker;
    this.pid = kind === 'process' ? worker.threadId : process.pid;
    this.threadId = kind === 'thread' ? worker.threadId : undefined;
    // A thread shares memory with this process, so the calls it holds can be claimed there (claims.ts).
    if (kind === 'thread') this.claimWords = claimMemory();
    this.#reportExit(worker, events);
    const init = workerInit(kind, spec);
    if (init.initializer) this.#known.add(init.initializer.id);
    this.#reportReady(kind === 'thread' ? this.#bootThread(init, events) : this.#bootProcess(init, events), events);
  }

  /**
   * Reports the worker's exit once, after a child's last output has been passed on; a worker that dies while
   * booting lets the boot's rejection (the reason) arrive first.
   */
  #reportExit(worker: TinypoolWorker, events: WorkerEvents): void {
    // A thread's uncaught exception comes to us as 'error' (a child process prints it and exits).
    if (this.#kind === 'thread') worker.on('error', (error: unknown) => (this.#uncaught ??= error));
    worker.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null = null) => {
      this.#alive = false;
      this.#port?.close();
      const ended = signal ?? this.#killedWith;
      const report = (): void =>
        events.exit({
          exitCode: exitCode ?? null,
          signal: ended,
          ...(this.#bootError === undefined ? {} : { bootError: this.#bootError }),
          ...(this.#uncaught === undefined ? {} : { uncaught: this.#uncaught }),
        });
      const drained = this.#kind === 'process' ? outputDrained(worker) : Promise.resolve();
      void drained.then(() => {
        if (this.#booted) report();
        else setImmediate(report);
      });
    });
  }

  /** A thread gets a MessagePort of its own, transferred with the bootstrap task. */
  #bootThread(init: WorkerInit, events: WorkerEvents): Promise<unknown> {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.on('message', (message: FromWorker) => events.message(decodeMessage(message)));
    this.#send = (message, moved) => port1.postMessage(message, moved ?? undefined);
    return this.#pool.run({ port: port2, claims: this.claimWords, init } satisfies BootstrapTask, { transferList: [port2] });
  }

  /** A child process talks over its IPC channel, through the channel hooks tinypool offers. */
  #bootProcess(init: WorkerInit, events: WorkerEvents): Promise<unknown> {
    return this.#pool.run({ init } satisfies BootstrapTask, {
      channel: {
        onMessage: (send: (message: unknown) => void) => {
          this.#send = send;
        },
        postMessage: (message: unknown) => events.message(decodeMessage(message as FromWorker)),
      },
    });
  }

  /**
   * The worker is ready once its bootstrap task resolved: a child process drops IPC messages that arrive
   * before the bootstrap has attached its listener. A bootstrap that fails (the entry or a loader cannot
   * load) stops the worker, and the exit report carries the reason.
   */
  #reportReady(boot: Promise<unknown>, events: WorkerEvents): void {
    boot.then(
      () => {
        this.#booted = true;
        if (this.#alive) events.ready();
      },
      (error: unknown) => {
        this.#bootError = error;
        void this.terminate();
      },
    );
  }

  post(chunks: readonly Chunk[], claims?: ReadonlyMap<Chunk, number>): void {
    const direct = callTuple(chunks, fnDef, this.#known, this.#crossing, claims);
    if (direct) {
      this.#send(direct.message, direct.moved);
      releaseMoves(direct.moved);
      return;
    }
    const { message, fns } = batchMessage(chunks, (fn) => fnDef(fn), this.#known, this.#crossing, claims);
    const outgoing = crossingBatch(message, this.#crossing);
    this.#send(outgoing.message, outgoing.moved);
    releaseMoves(outgoing.moved);
    for (const def of fns) this.#known.add(def.id);
  }

  credit(job: number, index: number, n: number): void {
    if (this.#alive) this.#send({ t: 'credit', job, index, n }, null);
  }

  setRef(ref: boolean): void {
    if (!this.#alive) return;
    if (ref) {
      this.#worker.ref?.();
      this.#port?.ref();
    } else {
      this.#worker.unref?.();
      this.#port?.unref();
    }
  }

  terminate(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  kill(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (!this.#alive) return;
    if (this.#kind === 'thread') {
      this.#killedWith ??= signal;
      void this.terminate();
      return;
    }
    try {
      process.kill(this.pid, signal);
    } catch (error) {
      // Exited a moment ago; its 'exit' is on its way.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /**
   * tinypool's `destroy()` waits for each worker's 'exit' with `events.once()`, which also listens for
   * 'error' and then calls `removeListener()`, a method tinypool's worker wrapper does not have: an 'error'
   * from a worker that is still stopping (an uncaught exception already on its way) was an uncaught
   * TypeError in this process (issue 15). So we stop every worker of this Tinypool ourselves and wait for
   * its exit (after which a worker emits nothing), and only then let `destroy()` see it. tinypool answers a
   * worker's 'error' by starting a replacement, hence the loop: it stops those too.
   */
  async #stop(): Promise<void> {
    const stopped = new Set<TinypoolWorker>();
    for (let next = [this.#worker]; next.length > 0; next = this.#pool.threads.filter((worker) => !stopped.has(worker))) {
      for (const worker of next) stopped.add(worker);
      await Promise.all(next.map((worker) => worker.terminate()));
    }
    // destroy() fails a bootstrap still pending and closes tinypool's own port; not awaited, since it waits
    // for 'exit' events that have already happened.
    this.#pool.destroy().catch(() => {});
  }
}
