/**
 * What the three handlers agree on: a job is an entry of the job cache that
 * receives chunk outcomes, and a task source hands the task handler its
 * chunks, lazily, one at a time.
 */
import type { Chunk, ChunkOutcome } from '../runtime/backend.js';

export type { ChunkOutcome } from '../runtime/backend.js';

/** An entry of the job cache, as `ApplyResult`/`MapResult` in CPython's `Pool._cache`. */
export interface Job {
  readonly id: number;
  /** Routes the outcome of the chunk that starts at input position `index`; `ms` is how long it ran. */
  settle(index: number, outcome: ChunkOutcome, ms?: number): void;
  /** Items a running chunk streamed back before its outcome (only jobs that ask for streaming). */
  stream?(index: number, values: unknown[]): void;
  /** Cancels the job if it has not started (executors' `shutdown({ cancelFutures })`). */
  cancel?(): void;
  /** The chunk at `index` is about to be sent to a worker: false drops it (its future was cancelled). */
  claim?(index: number): boolean;
  /**
   * Instead of `claim`, for a holdable chunk about to be held by a worker that can tell when it starts it:
   * false drops it; else the job stays pending until `probe` says the chunk started, and may take it back.
   */
  hold?(index: number, probe: HeldProbe): boolean;
  /** The chunk at `index` was sent to a worker. */
  started?(index: number): void;
  /** The chunk at `index` was taken back from a worker that had not started it (a cluster's queued job). */
  withdrawn?(index: number): void;
  /** Ends the job early (pool terminated or broken): every unfinished part rejects with `error`. */
  abort(error: unknown): void;
  /**
   * The pool is being disposed: a lazy job ends with `error()` as soon as it waits only for a consumer who
   * will not read (its remaining input would never be pulled), instead of keeping the pool alive forever.
   */
  endUnread?(error: () => Error): void;
}

/** What a held chunk's owner may ask its worker (see claims.ts). */
export interface HeldProbe {
  /** Takes the chunk back before the worker starts it; false once it has started. */
  cancel(): boolean;
  /** True once the worker has started the chunk. */
  started(): boolean;
}

/** Where the task handler gets chunks from. */
export interface TaskSource {
  /** A chunk ready to run now, or undefined when none is ready yet. */
  poll(): Chunk | undefined;
  /** True once `poll` will never return a chunk again. */
  readonly exhausted: boolean;
  /** How many workers this source's chunks could keep busy at once; a source of many chunks leaves it unset. */
  readonly wants?: number;
}

/** The engine as jobs see it: they register, report completion, and wake the task handler. */
export interface JobHost {
  nextJobId(): number;
  /** Puts a job in the cache and its chunks on the task queue. */
  submit(job: Job & TaskSource): void;
  /** Removes a finished job from the cache. */
  release(job: Job): void;
  /** A source that had nothing ready now has chunks. */
  wake(): void;
  /** Reports an exception thrown by a user callback (the pool's 'error' event). */
  reportCallbackError(error: unknown): void;
  /** Ends a running chunk with `error` by stopping its worker (per-task timeout or abort). */
  stopChunk(job: number, index: number, error: unknown): void;
}

/** The engine as a lazy job needs it: jobs, plus credits for streamed items. */
export interface LazyJobHost extends JobHost {
  /** The consumer took `n` streamed items of the chunk at `index`: the worker may produce `n` more. */
  credit(job: number, index: number, n: number): void;
}
