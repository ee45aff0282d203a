/**
 * Per-task `timeout` and `signal` (the "Beyond Python" extension): a task
 * still queued is dropped when its signal aborts; a running one past its
 * limit, or aborted, is ended by stopping its worker, which is replaced.
 */
import { AbortError, TimeoutError } from '../errors.js';
import { validateTimeout } from '../internal/validate.js';

/** Per-task limits: `timeout` (seconds from when the task starts) and `signal`. */
export interface TaskLimits {
  /** Seconds the task may run, counted from when it starts running. */
  readonly timeout?: number | null | undefined;
  /** Aborting it drops the task if queued, or stops its worker if running. */
  readonly signal?: AbortSignal | undefined;
}

/** The error an aborted task rejects with: name `'AbortError'`, `cause` = `signal.reason`. */
export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The task was aborted', { cause: signal.reason });
}

export function validateLimits(limits: TaskLimits): void {
  validateTimeout(limits.timeout);
  if (limits.signal !== undefined && !(limits.signal instanceof AbortSignal)) {
    throw new TypeError('Expected `signal` to be an AbortSignal (from an AbortController)');
  }
}

/** Watches one task's limits. */
export class TaskGuard {
  readonly #limits: TaskLimits;
  readonly #kill: (error: unknown) => void;
  readonly #drop: (error: unknown) => boolean;
  #timer: NodeJS.Timeout | null = null;
  #started = false;
  readonly #onAbort = (): void => {
    const signal = this.#limits.signal as AbortSignal;
    // Queued: the job drops its chunk. Running (or just sent): its worker is stopped.
    if (this.#started || !this.#drop(abortError(signal))) this.#kill(abortError(signal));
  };

  /**
   * @param kill - ends the running task with an error by stopping its worker.
   * @param drop - ends the task before it was sent; returns false if it was already sent.
   */
  constructor(limits: TaskLimits, kill: (error: unknown) => void, drop: (error: unknown) => boolean) {
    this.#limits = limits;
    this.#kill = kill;
    this.#drop = drop;
    limits.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The task reached its worker: the timeout starts counting. */
  started(): void {
    this.#started = true;
    const { timeout } = this.#limits;
    if (timeout === undefined || timeout === null) return;
    this.#timer = setTimeout(() => {
      this.#kill(new TimeoutError(`The task ran longer than its timeout of ${timeout} s; its worker was stopped`));
    }, timeout * 1000);
  }

  /** The task is over: stop watching. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#limits.signal?.removeEventListener('abort', this.#onAbort);
  }
}
