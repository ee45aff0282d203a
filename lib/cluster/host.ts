/**
 * A worker host: a BullMQ `Worker` that pulls chunk jobs from the cluster's queue into a local multipool
 * engine of `concurrency` workers, so a task crashing, timing out or returning an unsendable value behaves
 * as it does on one machine. A job's return value is its encoded outcome, errors included: a job fails in
 * BullMQ's eyes only when its host is lost past the retry limit.
 */
import type { Job as BullJob, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { Engine } from '../engine/engine.js';
import { unheard } from '../engine/events.js';
import { POOL_MAX_WINDOW } from '../engine/window.js';
import { AbortError } from '../errors.js';
import type { LocalBackendKind } from '../runtime/backend.js';
import { decodeJob, encodeFailure, encodeResult } from '../runtime/cluster/job-codec.js';
import type { ClusterModules } from '../runtime/cluster/modules.js';
import { loadClusterModules } from '../runtime/cluster/modules.js';
import type { ResolvedClusterOptions } from '../runtime/cluster/options.js';
import { cancelChannel, redisClient, whenReady } from '../runtime/cluster/redis.js';
import { createBackend } from '../runtime/index.js';
import { HostChunk } from './host-chunk.js';
import type { TaskRegistry } from './task-registry.js';

/** How a host runs: where its queue is, what it serves, and how it watches for lost hosts. */
export interface HostOptions {
  readonly cluster: ResolvedClusterOptions;
  readonly tasks: TaskRegistry;
  readonly concurrency: number;
  readonly backend: LocalBackendKind;
  /** Seconds between checks for chunks whose host stopped renewing their lock; also the lock's lifetime. */
  readonly stalledInterval: number;
  /** How many times a chunk may be taken back from a lost host and run again before it fails. */
  readonly maxStalled: number;
}

export class WorkerHost {
  readonly #options: HostOptions;
  readonly #engine: Engine;
  /** The host's two connections, made by start(). */
  #workerClient: Redis | null = null;
  #subscriber: Redis | null = null;
  #worker: Worker | null = null;
  /** Running chunks by BullMQ job id, so a client can take one back. */
  readonly #active = new Map<string, HostChunk>();
  #stopped: Promise<void> | null = null;

  constructor(options: HostOptions) {
    this.#options = options;
    this.#engine = new Engine(
      createBackend(options.backend),
      {
        processes: options.concurrency,
        initializer: null,
        initargs: [],
        maxTasksPerChild: undefined,
        maxWindow: POOL_MAX_WINDOW,
        spawn: 'eager',
        name: 'multipool worker',
        // A dead local worker fails its chunk (WorkerLostError, sent to the client); the host serves on.
        onWorkerLost: 'fail-tasks',
        notRunningMessage: 'The worker host is shutting down',
      },
      unheard,
    );
  }

  /**
   * Connects and starts pulling jobs; rejects (after stopping) when Redis cannot be reached in time or
   * bullmq cannot be loaded.
   */
  async start(): Promise<void> {
    const { cluster } = this.#options;
    let modules: ClusterModules;
    let workerClient: Redis;
    let subscriber: Redis;
    try {
      modules = await loadClusterModules();
      workerClient = this.#workerClient = redisClient(modules, cluster);
      subscriber = this.#subscriber = redisClient(modules, cluster);
      await Promise.all([whenReady(workerClient, cluster), whenReady(subscriber, cluster)]);
    } catch (error) {
      await this.stop();
      throw error;
    }
    await subscriber.subscribe(cancelChannel(cluster));
    subscriber.on('message', (_channel: string, message: string) => this.#cancel(message));
    this.#worker = this.#pull(modules.bullmq.Worker, workerClient);
    await this.#worker.waitUntilReady();
  }

  /** The BullMQ worker that hands this host's engine the queue's jobs. */
  #pull(BullWorker: typeof Worker, connection: Redis): Worker {
    const { cluster } = this.#options;
    const interval = this.#options.stalledInterval * 1000;
    const worker = new BullWorker(cluster.queue, (job) => this.#run(job), {
      connection,
      prefix: cluster.prefix,
      concurrency: this.#options.concurrency,
      stalledInterval: interval,
      lockDuration: interval,
      maxStalledCount: this.#options.maxStalled,
    });
    // Redis going away repeats one error every retry: say it once, until it changes.
    let last = '';
    worker.on('error', (error) => {
      if (error.message !== last) process.emitWarning(`multipool worker: ${error.message}`);
      last = error.message;
    });
    return worker;
  }

  #cancel(message: string): void {
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(ids)) return;
    for (const id of ids) {
      if (typeof id === 'string') this.#active.get(id)?.takeBack(new AbortError('The task was aborted', { cause: new Error('The client took this chunk back') }));
    }
  }

  async #run(job: BullJob): Promise<string> {
    const id = job.id ?? '';
    try {
      const payload = decodeJob(job.data);
      const fn = this.#options.tasks.get(payload.task);
      const chunk = new HostChunk(this.#engine, fn, payload);
      this.#active.set(id, chunk);
      const { outcome, ms } = await chunk.outcome;
      return encodeResult(outcome, ms);
    } catch (error) {
      return encodeFailure(error);
    } finally {
      this.#active.delete(id);
    }
  }

  /**
   * Stops pulling jobs and closes everything. Without `force` the running chunks finish first; with it
   * they are left to BullMQ, which gives them to another host once their lock expires.
   */
  stop(force = false): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#worker?.close(force);
      await this.#engine.terminate();
      this.#workerClient?.disconnect();
      this.#subscriber?.disconnect();
    })();
    return this.#stopped;
  }
}
