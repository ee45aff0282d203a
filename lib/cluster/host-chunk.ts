/**
 * One chunk from the queue as a job of the host's local engine: it runs on a local worker as any pool's
 * chunk does (crash containment, value checks, errors with their RemoteTraceback), and its outcome comes
 * back as the engine rebuilt it, to be sent on to the client.
 */
import type { Job, JobHost, TaskSource } from '../engine/job.js';
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
  #resolve!: (outcome: HostOutcome) => void;
  #ended = false;
  /** Settles once the chunk ended, either way. */
  readonly outcome: Promise<HostOutcome>;
  /** One chunk keeps one worker busy. */
  readonly wants = 1;

  /** Submits the chunk to `host`. */
  constructor(host: JobHost, fn: Chunk['fn'], payload: JobPayload) {
    this.id = host.nextJobId();
    this.#host = host;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    // Exclusive: it runs alone on an idle worker, so stopping that worker stops only this chunk.
    this.#chunk = { job: this.id, index: 0, fn, items: payload.items, star: payload.star, perItem: payload.perItem, exclusive: true };
    host.submit(this);
  }

  /**
   * Ends the chunk with `error` because its client took it back: dropped while it still waits for a local
   * worker, or its worker stopped once it was handed out. No AbortSignal: this is the only way a host chunk
   * is stopped early, and a controller and its listener per job would be work on every job for a rare event.
   */
  takeBack(error: unknown): void {
    if (this.#ended) return;
    if (this.#chunk) this.abort(error);
    else this.#host.stopChunk(this.id, 0, error);
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
    // A host chunk has no timeout of its own: the client's timeout takes the chunk back through takeBack().
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
    this.#resolve(outcome);
    this.#host.release(this);
  }
}
