/**
 * A client's link to the cluster: one BullMQ `Queue` to add and remove chunk jobs, and one shared
 * `QueueEvents` listener whose `completed`/`failed` events settle them (a `waitUntilFinished` per job
 * would cost a listener and a round trip each). Jobs are named by this client, so the events of other
 * clients on the same queue are told apart and ignored.
 */
import { randomUUID } from 'node:crypto';

import type { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import { loadClusterModules } from './modules.js';
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

/** What an open connection holds: built once bullmq is loaded. */
interface Link {
  readonly client: Redis;
  readonly eventsClient: Redis;
  readonly queue: Queue;
  events: QueueEvents | null;
}

export class ClusterConnection {
  readonly #options: ResolvedClusterOptions;
  /** Null until bullmq has loaded: the package loads it on the first connection, not at import. */
  #link: Link | null = null;
  readonly #pending = new Map<string, (end: JobEnd) => void>();
  readonly #prefix = randomUUID();
  #nextJob = 1;
  #closed: Promise<void> | null = null;
  /** Runs while Redis is gone: at the connect timeout, the waiting jobs fail. */
  #lostTimer: NodeJS.Timeout | null = null;
  /** Set while Redis has been gone for longer than the connect timeout. */
  #unreachable: Error | null = null;
  /**
   * Resolves once jobs may be added and their events will be heard; rejects when Redis cannot be reached in
   * time, or bullmq cannot be loaded.
   */
  readonly ready: Promise<void>;

  constructor(options: ResolvedClusterOptions) {
    this.#options = options;
    this.ready = this.#open();
    this.ready.catch(() => {});
  }

  async #open(): Promise<void> {
    const modules = await loadClusterModules();
    this.#throwIfClosed();
    const options = this.#options;
    const client = redisClient(modules, options);
    const eventsClient = redisClient(modules, options);
    const queue = new modules.bullmq.Queue(options.queue, { connection: client, prefix: options.prefix });
    // A failure before the deadline is reported by `ready`.
    queue.on('error', () => {});
    const link: Link = { client, eventsClient, queue, events: null };
    this.#link = link;
    try {
      await Promise.all([whenReady(client, options), whenReady(eventsClient, options)]);
      // Read the events stream from now on, not from when the listener's first read happens to start.
      const lastEventId = await serverStreamId(client);
      this.#throwIfClosed();
      const events = new modules.bullmq.QueueEvents(options.queue, { connection: eventsClient, prefix: options.prefix, lastEventId, blockingTimeout: EVENTS_BLOCK_MS });
      events.on('error', () => {});
      events.on('completed', ({ jobId, returnvalue }) => this.#end(jobId, { kind: 'completed', value: returnvalue }));
      events.on('failed', ({ jobId, failedReason }) => this.#end(jobId, { kind: 'failed', reason: failedReason }));
      this.#watchConnection(link);
      link.events = events;
      await events.waitUntilReady();
    } catch (error) {
      client.disconnect();
      eventsClient.disconnect();
      throw error;
    }
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new Error('The cluster connection was closed before it was ready');
  }

  /**
   * A connection lost after it was ready is retried by ioredis for ever; the jobs waiting on it are not:
   * after `connectTimeout` seconds without Redis they fail, and so does every job added until it is back.
   */
  #watchConnection({ client: main, eventsClient }: Link): void {
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
    for (const client of [main, eventsClient]) {
      client.on('close', gone);
      client.on('ready', () => {
        if (main.status === 'ready' && eventsClient.status === 'ready') back();
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
    const queue = this.#readyLink().queue;
    const added: Promise<unknown> = jobs.length === 1 && only ? queue.add(only.name, only.data, only.opts) : queue.addBulk(jobs);
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
    const client = this.#link?.client;
    if (running.length > 0 && client?.status === 'ready') await client.publish(cancelChannel(this.#options), JSON.stringify(running)).catch(() => 0);
  }

  /** Removes the jobs that still wait in the queue (not those a host runs); resolves with their ids. */
  async remove(ids: readonly string[]): Promise<Set<string>> {
    const link = this.#link;
    if (ids.length === 0 || link?.client.status !== 'ready') return new Set();
    const removed = await Promise.all(ids.map((id) => link.queue.remove(id).catch(() => 0)));
    const gone = new Set(ids.filter((_, i) => removed[i] === 1));
    for (const id of gone) this.#pending.delete(id);
    return gone;
  }

  /** The open link: jobs are only added once `ready` resolved, which set it. */
  #readyLink(): Link {
    if (!this.#link) throw new Error('A cluster job was added before its connection was ready');
    return this.#link;
  }

  /** Closes the queue, the listener and both connections; resolves when they are closed. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#lostTimer) clearTimeout(this.#lostTimer);
      this.#pending.clear();
      const link = this.#link;
      if (!link) return;
      const closing = Promise.allSettled([link.events?.close(), link.queue.close()]);
      // Without Redis, BullMQ's close would wait for a connection that never comes: nothing is left to flush.
      if (link.client.status === 'ready' && link.eventsClient.status === 'ready') await closing;
      link.client.disconnect();
      link.eventsClient.disconnect();
    })();
    return this.#closed;
  }
}
