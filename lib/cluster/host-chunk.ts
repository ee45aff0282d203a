/**
 * One chunk from the queue as a job of the host's local engine: it runs on a local worker as any pool's
 * chunk does (crash containment, value checks, errors with their RemoteTraceback), and its outcome comes
 * back as the engine rebuilt it, to be sent on to the client.
 */
import type { Job, JobHost, TaskSource } from '../engine/job.js';
import { TaskGuard } from '../engine/task-limits.js';
import type { Chunk, ChunkOutcome } from '../runtime/backend.js';
import type { JobPayload } from '../runtime/cluster/job-codec.js';

/** How a chunk ended on this host, and how long it ran (ms). */
export interface HostOutcome {
  readonly outcome: ChunkOutcome;
  readonly ms: number;
}

export class HostChunk implements Job, TaskSource {
  readonly id: number;
  readonly #host: JobHost;
  #chunk: Chunk | null;
  readonly #guard: TaskGuard;
  #resolve!: (outcome: HostOutcome) => void;
  #ended = false;
  /** Settles once the chunk ended, either way. */
  readonly outcome: Promise<HostOutcome>;
  /** One chunk keeps one worker busy. */
  readonly wants = 1;

  /** Submits the chunk to `host`; aborting `signal` (its client took it back) stops the worker that runs it. */
  constructor(host: JobHost, fn: Chunk['fn'], payload: JobPayload, signal: AbortSignal) {
    this.id = host.nextJobId();
    this.#host = host;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    // Exclusive: it runs alone on an idle worker, so stopping that worker stops only this chunk.
    this.#chunk = { job: this.id, index: 0, fn, items: payload.items, star: payload.star, perItem: payload.perItem, exclusive: true };
    this.#guard = new TaskGuard(
      { signal },
      (error) => host.stopChunk(this.id, 0, error),
      (error) => {
        if (!this.#chunk) return false;
        this.abort(error);
        return true;
      },
    );
    host.submit(this);
  }

  get exhausted(): boolean {
    return this.#chunk === null;
  }

  poll(): Chunk | undefined {
    const chunk = this.#chunk ?? undefined;
    this.#chunk = null;
    return chunk;
  }

  started(): void {
    this.#guard.started();
  }

  settle(_index: number, outcome: ChunkOutcome, ms = 0): void {
    this.#end({ outcome, ms });
  }

  abort(error: unknown): void {
    this.#end({ outcome: { kind: 'error', error }, ms: 0 });
  }

  #end(outcome: HostOutcome): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#chunk = null;
    this.#guard.dispose();
    this.#resolve(outcome);
    this.#host.release(this);
  }
}
