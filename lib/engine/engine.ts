/**
 * The engine behind Pool, ThreadPool and both executors: the job cache, the
 * task queue and the three handlers, plus the pool's lifecycle (run → close →
 * done, terminate, broken). Facades own an Engine and forward to it.
 */
import { initializerFailedMessage, terminatedAbruptlyMessage, unreadAtDisposeMessage, workerLost, workersFailToStartMessage } from '../error-messages.js';
import { CancelledError, InvalidStateError } from '../errors.js';
import { IntMap } from '../internal/int-map.js';
import { validateFunction } from '../internal/validate.js';
import type { Backend, Chunk, WorkerExit } from '../runtime/backend.js';
import { destinationOf } from '../runtime/transport.js';
import type { Emit } from './events.js';
import type { LazyJobHost } from './job.js';
import type { Job, TaskSource } from './job.js';
import { ResultHandler } from './result-handler.js';
import { TaskHandler } from './task-handler.js';
import { TaskQueue } from './task-queue.js';
import type { WorkerHandlerOptions } from './worker-handler.js';
import { WorkerHandler } from './worker-handler.js';
import type { WorkerSlot } from './worker-slot.js';

export interface EngineOptions extends WorkerHandlerOptions {
  /** 'Pool' or an executor's name, for messages. */
  readonly name: string;
  /** What a worker lost mid-task does: fail its chunks (Pool) or break the whole pool (executors). */
  readonly onWorkerLost: 'fail-tasks' | 'break';
  /** The message for a submission to a pool that is not running. */
  readonly notRunningMessage: string;
}

type State = 'run' | 'close' | 'terminate' | 'broken';

export class Engine implements LazyJobHost {
  readonly backend: Backend;
  readonly #options: EngineOptions;
  readonly #emit: Emit;
  /** Jobs submitted and not finished, by id (an IntMap: an entry comes and goes with every task). */
  readonly #cache = new IntMap<Job>();
  readonly #queue = new TaskQueue();
  readonly #workers: WorkerHandler;
  readonly #results: ResultHandler;
  #state: State = 'run';
  #broken: (() => Error) | null = null;
  #nextJob = 1;
  #stopped: Promise<void> | null = null;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(backend: Backend, options: EngineOptions, emit: Emit) {
    this.backend = backend;
    this.#options = options;
    this.#emit = emit;
    this.#done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    this.#results = new ResultHandler(this.#cache);
    this.#workers = new WorkerHandler(backend, options, {
      started: (slot) => this.#emit('workerStart', { id: slot.id, pid: slot.handle.pid, ...(slot.handle.threadId === undefined ? {} : { threadId: slot.handle.threadId }) }),
      results: (_slot, results) => {
        for (const result of results) {
          this.#results.route(result);
          if (this.#emit.heard('taskDone')) this.#emit('taskDone', { job: result.job, index: result.index });
        }
      },
      items: (job, index, values) => this.#results.stream(job, index, values),
      lost: (slot, exit, chunks) => this.#lost(slot, exit, chunks),
      exited: (slot, exit) => this.#emit('workerExit', { id: slot.id, exitCode: exit.exitCode, signal: exit.signal }),
      bootFailed: (exit) => {
        this.#break(() => this.backend.broken(workersFailToStartMessage(exit), { cause: exit.bootError }));
      },
      initFailed: (cause) => {
        this.#break(() => this.backend.broken(initializerFailedMessage(cause), { cause }));
      },
      demand: (limit) => this.#queue.demand(limit),
    });
    const tasks = new TaskHandler(this.#queue, this.#workers, {
      claim: (chunk, slot, behind) => {
        const job = this.#cache.get(chunk.job);
        if (job === undefined) return false;
        // A call that starts at once is running from now, as before; one queued behind others stays pending.
        if (behind && job.hold && this.#workers.holds(slot, chunk)) {
          return job.hold(chunk.index, { cancel: () => this.#workers.cancelHeld(chunk), started: () => this.#workers.heldStarted(chunk) });
        }
        return job.claim?.(chunk.index) ?? true;
      },
      sent: (_slot, chunk) => {
        this.#cache.get(chunk.job)?.started?.(chunk.index);
        if (this.#emit.heard('taskStart')) this.#emit('taskStart', { job: chunk.job, index: chunk.index });
      },
      unsendable: (chunk, error) => this.#results.fail(chunk.job, chunk.index, error),
    }, destinationOf(backend.kind));
    void this.#workers.run();
    void tasks.run();
  }

  get running(): boolean {
    return this.#state === 'run';
  }

  /** Jobs still in the cache (submitted and not finished). */
  get outstanding(): number {
    return this.#cache.size;
  }

  /** Throws the error for a submission in the current state, if any. */
  assertRunning(): void {
    if (this.#state === 'run') return;
    if (this.#state === 'broken' && this.#broken) throw this.#broken();
    throw new InvalidStateError(this.#options.notRunningMessage);
  }

  /**
   * The admission step of every submitting method: the pool must be running, and `fn` a function this
   * backend can run. Throws the error for the first that is not so.
   */
  admit(fn: unknown): asserts fn is (...args: never[]) => unknown {
    this.assertRunning();
    validateFunction(fn, 'fn');
    this.backend.prepare(fn, 'fn');
  }

  nextJobId(): number {
    return this.#nextJob++;
  }

  submit(job: Job & TaskSource): void {
    this.assertRunning();
    this.#cache.set(job.id, job);
    this.#queue.push(job);
    this.#workers.setRef(true);
    this.#workers.grow();
  }

  release(job: Job): void {
    if (!this.#cache.delete(job.id)) return;
    if (this.#cache.size > 0) return;
    this.#workers.setRef(false);
    if (this.#state === 'close') void this.#stop();
  }

  wake(): void {
    this.#queue.wake();
    this.#workers.grow();
  }

  credit(job: number, index: number, n: number): void {
    this.#workers.credit(job, index, n);
  }

  /** Cancels every job that has not started (executors' `shutdown({ cancelFutures: true })`). */
  cancelPending(): void {
    for (const job of this.#cache.values()) job.cancel?.();
  }

  /**
   * Takes back the chunks that workers hold but have not started (a cluster's jobs still waiting in Redis),
   * for `shutdown({ cancelFutures: true })`: their jobs hear it (a future is cancelled), or fail them with a
   * `CancelledError`.
   */
  async withdrawQueued(): Promise<void> {
    for (const chunk of await this.#workers.withdraw()) {
      const job = this.#cache.get(chunk.job);
      if (job?.withdrawn) job.withdrawn(chunk.index);
      else this.#results.fail(chunk.job, chunk.index, new CancelledError(`${this.#options.name} took this task back before it started`));
    }
  }

  reportCallbackError(error: unknown): void {
    this.#emit('error', error);
  }

  /** Python's `close()`: no new work; workers stop once the queued work is done. */
  close(): void {
    if (this.#state !== 'run') return;
    this.#state = 'close';
    this.#queue.close();
    if (this.#cache.size === 0) void this.#stop();
  }

  /**
   * For the end of an `await using` block, after `close()`: a lazy job left half-read (an `imap` whose
   * remaining input only its consumer could pull) ends with a `CancelledError` instead of waiting forever.
   */
  endUnread(): void {
    for (const job of this.#cache.values()) job.endUnread?.(() => new CancelledError(unreadAtDisposeMessage(this.#options.name)));
  }

  /** Python's `terminate()`: stop now; everything outstanding rejects. */
  async terminate(): Promise<void> {
    if (this.#state === 'run' || this.#state === 'close') {
      this.#state = 'terminate';
      this.#abortAll(() => new CancelledError(`${this.#options.name} was terminated before this task finished`));
    }
    await this.#stop();
  }

  /** Resolves once every worker has stopped; rejects if the pool is still running. */
  async join(): Promise<void> {
    if (this.#state === 'run') throw new InvalidStateError(`${this.#options.name} is still running: call close() or terminate() before join()`);
    await this.#done;
  }

  #stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#queue.clear();
      this.#queue.close();
      const held = await this.#workers.stop();
      for (const chunk of held) this.#results.fail(chunk.job, chunk.index, new CancelledError(`${this.#options.name} stopped before this task finished`));
      await this.backend.close?.();
      this.#resolveDone();
    })();
    return this.#stopped;
  }

  #abortAll(error: () => Error): void {
    this.#queue.clear();
    for (const job of this.#cache.values()) job.abort(error());
    this.#cache.clear();
    this.#workers.setRef(false);
  }

  #break(error: () => Error): void {
    if (this.#state === 'broken' || this.#state === 'terminate') return;
    this.#state = 'broken';
    this.#broken = error;
    this.#abortAll(error);
    void this.#stop();
  }

  /**
   * Ends a running chunk with `error` by stopping its worker (per-task timeout or abort); a chunk that no
   * worker holds is failed directly. The worker is replaced; the pool is not broken.
   */
  stopChunk(job: number, index: number, error: unknown): void {
    if (!this.#workers.stopChunk(job, index, error)) this.#results.fail(job, index, error);
  }

  #lost(slot: WorkerSlot, exit: WorkerExit, chunks: Chunk[]): void {
    const killed = slot.killed;
    if (killed) {
      // Stopped on purpose: its own chunk gets the reason; nothing else ran there (the chunk was exclusive).
      for (const chunk of chunks) {
        const reason = chunk.job === killed.job && chunk.index === killed.index ? killed.error : new CancelledError('The worker was stopped for another task');
        this.#results.fail(chunk.job, chunk.index, reason);
      }
      return;
    }
    const worker = { id: slot.id, pid: slot.handle.pid, threadId: slot.handle.threadId };
    if (this.#options.onWorkerLost === 'break') {
      const message = terminatedAbruptlyMessage(this.backend.kind, worker, exit);
      this.#break(() => this.backend.broken(message));
      return;
    }
    chunks.forEach((chunk, position) => {
      this.#results.fail(chunk.job, chunk.index, workerLost(worker, exit, { job: chunk.job, index: chunk.index, size: chunk.items.length }, position));
    });
  }

  get done(): Promise<void> {
    return this.#done;
  }
}
