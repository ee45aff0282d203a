/**
 * Python's `AsyncResult`: the part of `ApplyResult` and `MapResult` that
 * waits, times out, and runs the callbacks.
 */
import type { JobHost } from '../engine/job.js';
import { InvalidStateError } from '../errors.js';
import type { Settled } from '../internal/settled.js';
import { withTimeout } from '../internal/timeout.js';
import { validateTimeout } from '../internal/validate.js';

/** Callbacks of the `*Async` methods; they run on the main event loop. */
export interface ResultCallbacks<R> {
  /** Called with the result once it is ready. */
  callback?: ((value: R) => void) | undefined;
  /** Called with the error once the task has failed. */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/** Where a callback that throws is reported (the pool's `error` event). */
type CallbackErrors = Pick<JobHost, 'reportCallbackError'>;

/**
 * A result that is not ready yet. `get()` gives the value (or rejects with
 * the task's error); `wait()` only waits. The base of `ApplyResult` and
 * `MapResult`, as Python's `AsyncResult`.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * import type { AsyncResult } from 'multipool';
 * await using pool = new Pool(2);
 * const pending: AsyncResult<number>[] = [pool.applyAsync(() => 1), pool.applyAsync(() => 2)];
 * for (const result of pending) await result.wait(10);
 * console.log(pending.every((r) => r.ready() && r.successful())); // true
 * ```
 */
export abstract class AsyncResult<R> {
  /** The job id, as used by the pool's `taskStart`/`taskDone` events. */
  abstract readonly id: number;
  readonly #callbacks: ResultCallbacks<R>;
  readonly #host: CallbackErrors;
  #settled: Settled<R> | null = null;
  /**
   * Made when first asked for (`get`, `wait`): a pool holds many pending results, and one nobody waits on yet
   * needs no promise. Once made it is never an unhandled rejection, as a result nobody asks for must not be.
   */
  #promise: Promise<R> | null = null;
  #resolve: ((value: R) => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;

  /** @internal */
  protected constructor(callbacks: ResultCallbacks<R>, host: CallbackErrors) {
    this.#callbacks = callbacks;
    this.#host = host;
  }

  /**
   * The result: resolves with the value, or rejects with the task's error.
   *
   * @param timeout - seconds to wait; rejects with `TimeoutError` after that (the task goes on).
   */
  get(timeout?: number | null): Promise<R> {
    return withTimeout(this.#promised(), timeout, 'The result');
  }

  /**
   * Waits until the result is ready, or `timeout` seconds. Never rejects for
   * the task's error or on timeout: check `ready()` and `successful()` after it.
   *
   * @param timeout - seconds to wait at most.
   * @throws TypeError / RangeError (as a rejection) for a bad `timeout`, the only error it gives.
   */
  async wait(timeout?: number | null): Promise<void> {
    validateTimeout(timeout);
    // The task's own error, whatever its class, and the timeout are not wait()'s to report.
    await withTimeout(this.#promised(), timeout, 'The result').catch(() => {});
  }

  /** True once the task has finished, either way. */
  ready(): boolean {
    return this.#settled !== null;
  }

  /**
   * True when the task finished without error.
   *
   * @throws InvalidStateError when the result is not ready yet.
   */
  successful(): boolean {
    if (!this.#settled) throw new InvalidStateError('The result is not ready: await wait() or get() before successful()');
    return this.#settled.ok;
  }

  /** Settles once: runs the callback, then wakes the waiters. */
  protected complete(settled: Settled<R>): void {
    if (this.#settled) return;
    this.#settled = settled;
    try {
      if (settled.ok) this.#callbacks.callback?.(settled.value);
      else this.#callbacks.errorCallback?.(settled.error);
    } catch (error) {
      this.#host.reportCallbackError(error);
    }
    if (settled.ok) this.#resolve?.(settled.value);
    else this.#reject?.(settled.error);
    this.#resolve = this.#reject = null;
  }

  /** The promise `get()` and `wait()` wait on, made now if nobody asked before. */
  #promised(): Promise<R> {
    if (this.#promise) return this.#promise;
    const settled = this.#settled;
    let promise: Promise<R>;
    if (settled === null) {
      promise = new Promise<R>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    } else if (settled.ok) {
      promise = Promise.resolve(settled.value);
    } else {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the task's own error, Error or not, as it was thrown
      promise = Promise.reject(settled.error);
    }
    promise.catch(() => {});
    this.#promise = promise;
    return promise;
  }
}
