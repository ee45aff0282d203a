/**
 * A submitted call as a job of the engine: its one chunk goes to a worker
 * only if the future was not cancelled first (`setRunningOrNotifyCancel`, as
 * CPython does when it moves a work item to the call queue).
 */
import type { Chunk } from '../runtime/backend.js';
import type { ChunkOutcome, Job, JobHost, TaskSource } from '../engine/job.js';
import { abortError, singleCall } from '../engine/task-limits.js';
import type { TaskGuard, TaskLimits } from '../engine/task-limits.js';
import type { Future } from './future.js';

export class FutureJob<R> implements Job, TaskSource {
  readonly id: number;
  readonly #future: Future<R>;
  #chunk: Chunk | null;
  readonly #guard: TaskGuard | null;

  constructor(host: JobHost, future: Future<R>, fn: (...args: never[]) => unknown, args: unknown[], limits: TaskLimits = {}) {
    this.id = host.nextJobId();
    this.#future = future;
    const { chunk, guard } = singleCall(host, this.id, fn, args, limits, (error) => {
      if (!this.#chunk) return false;
      this.#chunk = null;
      future.setException(error);
      return true;
    });
    this.#chunk = chunk;
    this.#guard = guard;
    future.addDoneCallback(() => {
      this.#chunk = null;
      this.#guard?.dispose();
      host.release(this);
    });
    if (limits.signal?.aborted) future.setException(abortError(limits.signal));
  }

  get exhausted(): boolean {
    return this.#chunk === null;
  }

  poll(): Chunk | undefined {
    const chunk = this.#chunk;
    this.#chunk = null;
    if (!chunk || !this.#future.setRunningOrNotifyCancel()) return undefined;
    return chunk;
  }

  started(): void {
    this.#guard?.started();
  }

  settle(_index: number, outcome: ChunkOutcome): void {
    if (this.#future.done()) return;
    if (outcome.kind === 'values') this.#future.setResult(outcome.values[0] as R);
    else if (outcome.kind === 'error') this.#future.setException(outcome.error);
  }

  abort(error: unknown): void {
    if (!this.#future.done()) this.#future.setException(error);
  }

  /** Cancels the future if it has not started (shutdown with `cancelFutures`). */
  cancel(): void {
    this.#future.cancel();
  }
}
