/**
 * A client's link to the cluster: one BullMQ `Queue` to add and remove chunk jobs, and one shared
 * `QueueEvents` listener whose `completed`/`failed` events settle them (a `waitUntilFinished` per job
 * would cost a listener and a round trip each). Jobs are named by this client, so the events of other
 * clients on the same queue are told apart and ignored.
 */
import { randomUUID } from 'node:crypto';

import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import type { ResolvedClusterOptions } from './options.js';
import { safeUrl } from './options.js';
import { cancelChannel, redisClient, serverStreamId, whenReady } from './redis.js';

/**
 * How a job ended: its host's return value, why BullMQ failed it (a host lost past the retry limit), or
 * Redis gone for longer than the connect timeout.
 */
export type JobEnd =
  | { readonly kind: 'completed'; readonly value: unknown }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'unreachable'; readonly error: Error };

/** A job to add: its data, and who hears how it ended. */
export interface JobEntry {
  readonly data: { p: string };
  readonly done: (end: JobEnd) => void;
}

/**
 * How long the listener's blocking read waits (ms). BullMQ abandons a read stuck on a lost connection only
 * after this plus a second, and that timer holds the process after a close without Redis; shorter costs
 * one idle read per period.
 */
const EVENTS_BLOCK_MS = 2000;

/** BullMQ's job name for a chunk, shown by queue dashboards. */
const JOB_NAME = 'multipool-chunk';

export class ClusterConnection {
  readonly #options: ResolvedClusterOptions;
  readonly #client: Redis;
  readonly #eventsClient: Redis;
  readonly #queue: Queue;
  #events: QueueEvents | null = null;
  readonly #pending = new Map<string, (end: JobEnd) => void>();
  readonly #prefix = randomUUID();
  #nextJob = 1;
  #closed: Promise<void> | null = null;
  /** Runs while Redis is gone: at the connect timeout, the waiting jobs fail. */
  #lostTimer: NodeJS.Timeout | null = null;
  /** Set while Redis has been gone for longer than the connect timeout. */
  #unreachable: Error | null = null;
  /** Resolves once jobs may be added and their events will be heard; rejects when Redis cannot be reached in time. */
  readonly ready: Promise<void>;

  constructor(options: ResolvedClusterOptions) {
    this.#options = options;
    this.#client = redisClient(options);
    this.#eventsClient = redisClient(options);
    this.#queue = new Queue(options.queue, { connection: this.#client, prefix: options.prefix });
    // A failure before the deadline is reported by `ready`.
    this.#queue.on('error', () => {});
    this.ready = this.#open();
    this.ready.catch(() => {});
  }

  async #open(): Promise<void> {
    try {
      await Promise.all([whenReady(this.#client, this.#options), whenReady(this.#eventsClient, this.#options)]);
      // Read the events stream from now on, not from when the listener's first read happens to start.
      const lastEventId = await serverStreamId(this.#client);
      if (this.#closed) throw new Error('The cluster connection was closed before it was ready');
      const events = new QueueEvents(this.#options.queue, { connection: this.#eventsClient, prefix: this.#options.prefix, lastEventId, blockingTimeout: EVENTS_BLOCK_MS });
      events.on('error', () => {});
      events.on('completed', ({ jobId, returnvalue }) => this.#end(jobId, { kind: 'completed', value: returnvalue }));
      events.on('failed', ({ jobId, failedReason }) => this.#end(jobId, { kind: 'failed', reason: failedReason }));
      this.#watchConnection();
      this.#events = events;
      await events.waitUntilReady();
    } catch (error) {
      this.#client.disconnect();
      this.#eventsClient.disconnect();
      throw error;
    }
  }

  /**
   * A connection lost after it was ready is retried by ioredis for ever; the jobs waiting on it are not:
   * after `connectTimeout` seconds without Redis they fail, and so does every job added until it is back.
   */
  #watchConnection(): void {
    const { url, connectTimeout } = this.#options;
    const back = (): void => {
      if (this.#lostTimer) clearTimeout(this.#lostTimer);
      this.#lostTimer = null;
      this.#unreachable = null;
    };
    const gone = (): void => {
      if (this.#lostTimer || this.#closed) return;
      this.#lostTimer = setTimeout(() => {
        this.#unreachable = new Error(`Lost the connection to Redis at ${safeUrl(url)} for more than ${connectTimeout} s; it is retried, but the tasks that were waiting on it fail`);
        for (const id of [...this.#pending.keys()]) this.#end(id, { kind: 'unreachable', error: this.#unreachable });
      }, connectTimeout * 1000);
    };
    for (const client of [this.#client, this.#eventsClient]) {
      client.on('close', gone);
      client.on('ready', () => {
        if (this.#client.status === 'ready' && this.#eventsClient.status === 'ready') back();
      });
    }
  }

  #end(jobId: string, end: JobEnd): void {
    const done = this.#pending.get(jobId);
    if (!done) return;
    this.#pending.delete(jobId);
    done(end);
  }

  /**
   * Adds one job per entry in one round trip; returns their ids at once. An entry whose job could not be
   * added hears it as a failed job.
   */
  add(entries: readonly JobEntry[]): string[] {
    const ids = entries.map((entry) => {
      const id = `${this.#prefix}-${this.#nextJob++}`;
      this.#pending.set(id, entry.done);
      return id;
    });
    const unreachable = this.#unreachable;
    if (unreachable) {
      queueMicrotask(() => {
        for (const id of ids) this.#end(id, { kind: 'unreachable', error: unreachable });
      });
      return ids;
    }
    const jobs = entries.map((entry, i) => ({
      name: JOB_NAME,
      data: entry.data,
      // Results travel in the completed event; nothing needs the job afterwards.
      opts: { jobId: ids[i], removeOnComplete: true, removeOnFail: true },
    }));
    const [only] = jobs;
    // A lone job goes as one command: addBulk sets up an ioredis pipeline, which copies every BullMQ script
    // onto it and costs about twice the CPU of the add itself.
    const added: Promise<unknown> = jobs.length === 1 && only ? this.#queue.add(only.name, only.data, only.opts) : this.#queue.addBulk(jobs);
    added.catch((error: unknown) => {
      const reason = `the job could not be queued: ${error instanceof Error ? error.message : String(error)}`;
      for (const id of ids) this.#end(id, { kind: 'failed', reason });
    });
    return ids;
  }

  /**
   * Takes jobs back: a waiting job is removed from the queue; a running one is asked to stop (its host
   * stops the local worker that runs it). Their events are no longer heard.
   */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const id of ids) this.#pending.delete(id);
    const removed = await this.remove(ids);
    const running = ids.filter((id) => !removed.has(id));
    if (running.length > 0 && this.#client.status === 'ready') await this.#client.publish(cancelChannel(this.#options), JSON.stringify(running)).catch(() => 0);
  }

  /** Removes the jobs that still wait in the queue (not those a host runs); resolves with their ids. */
  async remove(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0 || this.#client.status !== 'ready') return new Set();
    const removed = await Promise.all(ids.map((id) => this.#queue.remove(id).catch(() => 0)));
    const gone = new Set(ids.filter((_, i) => removed[i] === 1));
    for (const id of gone) this.#pending.delete(id);
    return gone;
  }

  #disconnect(): void {
    this.#client.disconnect();
    this.#eventsClient.disconnect();
  }

  /** Closes the queue, the listener and both connections; resolves when they are closed. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#lostTimer) clearTimeout(this.#lostTimer);
      this.#pending.clear();
      const closing = Promise.allSettled([this.#events?.close(), this.#queue.close()]);
      // Without Redis, BullMQ's close would wait for a connection that never comes: nothing is left to flush.
      if (this.#client.status === 'ready' && this.#eventsClient.status === 'ready') await closing;
      this.#disconnect();
    })();
    return this.#closed;
  }
}
