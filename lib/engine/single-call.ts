/**
 * One call (`apply`, `submit`) as a job of the engine: one chunk of one item,
 * exclusive when it has per-task limits, watched by its `TaskGuard`. The
 * result object that the user holds (an `ApplyResult`, a `Future`) owns a
 * `SingleCall` and is told how the call ended; the engine sees only the job.
 */
import { CancelledError } from '../errors.js';
import type { Settled } from '../internal/settled.js';
import type { Chunk, ChunkOutcome } from '../runtime/backend.js';
import type { HeldProbe, Job, JobHost, TaskSource } from './job.js';
import type { TaskLimits } from './task-limits.js';
import { abortError, TaskGuard } from './task-limits.js';

/** What a single call reports to the object that owns it. */
export interface CallOwner {
  /** The call ended, either way. Called at most once. */
  settle(settled: Settled<unknown>): void;
  /** Asked when a worker is there to take the chunk; false keeps it from running (a cancelled future). */
  mayStart?(): boolean;
  /**
   * Asked instead of `mayStart` when a worker thread will hold the chunk and can tell when it starts it:
   * false keeps it from running; true, and the owner stays pending, asking `probe`, until the outcome comes.
   */
  hold?(probe: HeldProbe): boolean;
  /** Cancel the call if it has not started (executors' `shutdown({ cancelFutures })`). */
  cancel?(): void;
  /** The call was taken back from a worker before it started: cancel it, although it was claimed. */
  withdrawn?(): void;
}

export class SingleCall implements Job, TaskSource {
  readonly id: number;
  readonly #host: JobHost;
  readonly #owner: CallOwner;
  #chunk: Chunk | null;
  readonly #guard: TaskGuard | null;
  #ended = false;

  /**
   * Submits `fn(...args)` to `host`. A call whose signal is already aborted never reaches the queue: its
   * owner is settled with the abort error at once.
   */
  constructor(host: JobHost, fn: Chunk['fn'], args: readonly unknown[], limits: TaskLimits, owner: CallOwner) {
    this.id = host.nextJobId();
    this.#host = host;
    this.#owner = owner;
    const job = this.id;
    const exclusive = isLimited(limits);
    // Literals, not a spread of flags: a spread-built chunk is larger and slower to read, and a busy executor holds a thousand.
    this.#chunk = exclusive
      ? { job, index: 0, fn, items: [args], star: true, perItem: false, exclusive }
      : owner.hold
        ? { job, index: 0, fn, items: [args], star: true, perItem: false, holdable: true }
        : { job, index: 0, fn, items: [args], star: true, perItem: false };
    this.#guard = exclusive ? new TaskGuard(limits, (error) => host.stopChunk(this.id, 0, error), (error) => this.#drop(error)) : null;
    if (limits.signal?.aborted) {
      this.#end({ ok: false, error: abortError(limits.signal) });
      return;
    }
    host.submit(this);
  }

  /** One call keeps one worker busy. */
  get wants(): number {
    return 1;
  }

  get exhausted(): boolean {
    return this.#chunk === null;
  }

  poll(): Chunk | undefined {
    const chunk = this.#chunk ?? undefined;
    this.#chunk = null;
    return chunk;
  }

  claim(): boolean {
    return this.#owner.mayStart?.() !== false;
  }

  hold(_index: number, probe: HeldProbe): boolean {
    return this.#owner.hold ? this.#owner.hold(probe) : this.claim();
  }

  started(): void {
    this.#guard?.started();
  }

  settle(_index: number, outcome: ChunkOutcome): void {
    this.#end(settledOf(outcome));
  }

  abort(error: unknown): void {
    this.#end({ ok: false, error });
  }

  cancel(): void {
    this.#owner.cancel?.();
  }

  withdrawn(): void {
    if (this.#owner.withdrawn) this.#owner.withdrawn();
    else this.#end({ ok: false, error: new CancelledError('The task was taken back before it started') });
  }

  /**
   * The owner ended the call itself (a future cancelled by its user): stop watching its limits and leave the
   * job cache. Idempotent.
   */
  finish(): void {
    if (this.#ended) return;
    this.#stopWatching();
    this.#host.release(this);
  }

  /** Ends the call before it was sent; false when it already was (the guard then stops its worker). */
  #drop(error: unknown): boolean {
    if (!this.#chunk) return false;
    this.#end({ ok: false, error });
    return true;
  }

  /** The owner hears first (its callbacks run before the pool may stop), then the job leaves the cache. */
  #end(settled: Settled<unknown>): void {
    if (this.#ended) return;
    this.#stopWatching();
    this.#owner.settle(settled);
    this.#host.release(this);
  }

  #stopWatching(): void {
    this.#ended = true;
    this.#chunk = null;
    this.#guard?.dispose();
  }
}

/** True when the task needs a worker to itself (so its start is known and stopping the worker stops only it). */
function isLimited(limits: TaskLimits): boolean {
  return (limits.timeout !== undefined && limits.timeout !== null) || limits.signal !== undefined;
}

/** One item's outcome: per-item chunks carry a failed item in `errors`. */
function settledOf(outcome: ChunkOutcome): Settled<unknown> {
  if (outcome.kind === 'error') return { ok: false, error: outcome.error };
  if (outcome.kind === 'items' && outcome.errors.has(0)) return { ok: false, error: outcome.errors.get(0) };
  return { ok: true, value: outcome.values[0] };
}
