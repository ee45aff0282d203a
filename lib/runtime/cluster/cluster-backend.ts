/**
 * The `'cluster'` backend: each of a pool's `processes` "workers" is a slot on the cluster's queue. A
 * slot turns each chunk it is sent into one BullMQ job (a batch in one `addBulk`), and hands the engine
 * the outcomes in the order it was sent them, as a local worker answers, whichever host ran them.
 */
import type { BrokenExecutor } from '../../errors.js';
import { BrokenProcessPool, WorkerLostError } from '../../errors.js';
import type { Backend, Chunk, ChunkResult, WorkerEvents, WorkerHandle, WorkerSpec } from '../backend.js';
import { refuseUnsendable } from '../codec.js';
import { releaseMoves } from '../move.js';
import { HOST_REFUSES_SHARED } from '../transport.js';
import { Gather } from '../values.js';
import type { JobEnd } from './connection.js';
import { ClusterConnection } from './connection.js';
import { decodeResult, encodeJob } from './job-codec.js';
import type { ResolvedClusterOptions } from './options.js';
import { clusterTaskKey } from './task-key.js';

export class ClusterBackend implements Backend {
  readonly kind = 'cluster';
  readonly #connection: ClusterConnection;

  constructor(options: ResolvedClusterOptions) {
    this.#connection = new ClusterConnection(options);
  }

  spawn(spec: WorkerSpec, events: WorkerEvents): WorkerHandle {
    return new ClusterSlot(this.#connection, events);
  }

  /** Only module tasks can run on a cluster: an inline function is a TypeError here, at the call. */
  prepare(fn: (...args: never[]) => unknown, argName: string): void {
    clusterTaskKey(fn, argName);
  }

  /** Unreachable Redis is the one way a cluster pool breaks: its own message says more than "workers fail to start". */
  broken(message: string, options?: ErrorOptions): BrokenExecutor {
    const cause = options?.cause;
    return new BrokenProcessPool(cause instanceof Error ? `${cause.message} The pool is not usable anymore.` : message, options);
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}

/** A chunk sent as a job, and its result once its event came. */
interface Sent {
  readonly chunk: Chunk;
  id: string;
  result: ChunkResult | null;
}

class ClusterSlot implements WorkerHandle {
  /** A slot runs nothing here; it is this process's part of the cluster. */
  readonly pid = process.pid;
  readonly threadId = undefined;
  readonly #connection: ClusterConnection;
  readonly #events: WorkerEvents;
  /** Jobs not yet handed to the engine, in the order they were sent. */
  readonly #sent: Sent[] = [];
  #alive = true;

  constructor(connection: ClusterConnection, events: WorkerEvents) {
    this.#connection = connection;
    this.#events = events;
    connection.ready.then(
      () => this.#alive && events.ready(),
      (error: unknown) => {
        if (!this.#alive) return;
        this.#alive = false;
        events.exit({ exitCode: null, signal: null, bootError: error });
      },
    );
  }

  post(chunks: readonly Chunk[]): void {
    // Every check before anything is queued: a chunk that cannot travel fails alone, sending nothing.
    const entries = chunks.map((chunk) => {
      refuseClusterBound(chunk.items);
      const task = clusterTaskKey(chunk.fn, 'fn');
      const sent: Sent = { chunk, id: '', result: null };
      const data = encodeJob({ task, items: chunk.items, star: chunk.star, perItem: chunk.perItem });
      return { sent, data };
    });
    const ids = this.#connection.add(entries.map(({ sent, data }) => ({ data, done: (end: JobEnd) => this.#settle(sent, end) })));
    entries.forEach(({ sent }, i) => {
      sent.id = ids[i] ?? '';
      this.#sent.push(sent);
    });
  }

  #settle(sent: Sent, end: JobEnd): void {
    if (!this.#alive) return;
    const { job, index } = sent.chunk;
    sent.result = { job, index, ...outcomeOf(sent, end) };
    this.#flush();
  }

  /** Hands the engine the results at the head of the send order: it expects answers in that order. */
  #flush(): void {
    const ready: ChunkResult[] = [];
    while (this.#sent[0]?.result) ready.push((this.#sent.shift() as Sent & { result: ChunkResult }).result);
    if (ready.length > 0) this.#events.message({ t: 'results', results: ready });
  }

  /** Removes this slot's jobs that still wait in Redis; the engine gets those chunks back. */
  async withdraw(): Promise<Chunk[]> {
    const waiting = this.#sent.filter((sent) => !sent.result);
    const removed = await this.#connection.remove(waiting.map((sent) => sent.id));
    const back = waiting.filter((sent) => removed.has(sent.id));
    for (const sent of back) this.#sent.splice(this.#sent.indexOf(sent), 1);
    // Results held behind a removed job may be next in order now.
    if (this.#alive) this.#flush();
    return back.map((sent) => sent.chunk);
  }

  credit(): void {
    // The cluster does not stream generators' items: nothing to acknowledge.
  }

  setRef(): void {
    // The connection, not a slot, holds the event loop; it closes with the pool.
  }

  /** A slot has no process of its own to signal: killing it takes its jobs back, as terminate() does. */
  kill(): void {
    void this.terminate();
  }

  /** Takes this slot's jobs back (removed when waiting, stopped on their host when running). */
  async terminate(): Promise<void> {
    if (!this.#alive) return;
    this.#alive = false;
    const ids = this.#sent.splice(0).map((sent) => sent.id);
    // Reported after the call returns, as a local worker's exit is.
    queueMicrotask(() => this.#events.exit({ exitCode: null, signal: null }));
    await this.#connection.cancel(ids);
  }
}

/**
 * Refuses, with a TypeError, what cannot reach another machine: what a child process refuses (class instances,
 * shared memory, ports) and shared primitives, whose state is reached through this machine. A value marked by
 * `move()` is copied, as for a child process, and its mark used up.
 */
function refuseClusterBound(items: readonly unknown[]): void {
  const gather = new Gather('v8');
  refuseUnsendable(items, gather);
  if (gather.handles) throw new TypeError(`Cannot send a value to a worker host: ${HOST_REFUSES_SHARED}`);
  releaseMoves(gather.moved);
}

function outcomeOf(sent: Sent, end: JobEnd): Pick<ChunkResult, 'ms' | 'outcome'> {
  if (end.kind === 'unreachable') return { ms: 0, outcome: { kind: 'error', error: end.error } };
  if (end.kind === 'failed') {
    const { job, index, items } = sent.chunk;
    const span = items.length === 1 ? `input item ${index}` : `input items ${index}-${index + items.length - 1}`;
    const error = new WorkerLostError(`The cluster gave up on ${span} of job ${job} (BullMQ job ${sent.id}): ${end.reason}`);
    return { ms: 0, outcome: { kind: 'error', error } };
  }
  try {
    return decodeResult(end.value);
  } catch (error) {
    return { ms: 0, outcome: { kind: 'error', error } };
  }
}
