/**
 * Python's `concurrent.futures.Future`: pending → running → finished, or
 * cancelled while still pending. It is also `PromiseLike`, so `await future`
 * gives the result.
 */
import type { HeldProbe } from '../engine/job.js';
import { CancelledError, InvalidStateError } from '../errors.js';
import type { Settled } from '../internal/settled.js';
import { withTimeout } from '../internal/timeout.js';

type State = 'pending' | 'running' | 'cancelled' | 'cancelledAndNotified' | 'finished';

/** Futures that finished with an error, for `wait(FIRST_EXCEPTION)` (Python reads `_exception` directly). */
const failed = new WeakSet<object>();

/** @internal True when `future` finished with an error (not cancelled). */
export function finishedWithError(future: object): boolean {
  return failed.has(future);
}

let cancelTakenBack: (future: Future) => void = () => {};
let linkCall: (future: Future, call: { finish(): void }) => void = () => {};
let holdPending: (future: Future, probe: HeldProbe) => boolean = () => false;

/**
 * @internal Cancels a running future whose call was taken back before any worker started it (a cluster job
 * still waiting in its queue): from the user's side it never ran, so it ends cancelled, as a pending one.
 */
export function cancelTakenBackFuture<R>(future: Future<R>): void {
  cancelTakenBack(future as unknown as Future);
}

/**
 * @internal For a call a worker thread holds without having started it: false when `future` was cancelled
 * first (the call must not run); else it stays pending, asking `probe` whether it started, and `cancel()`
 * takes the call back from the worker, as Python's shared work queue lets it.
 */
export function holdPendingFuture<R>(future: Future<R>, probe: HeldProbe): boolean {
  return holdPending(future as unknown as Future, probe);
}

/**
 * @internal Tells `call` (its job in the engine) when `future` is done, before any done-callback runs: a
 * future its user cancelled, or finished through `setResult`, leaves the job cache too.
 */
export function linkFutureToCall<R>(future: Future<R>, call: { finish(): void }): void {
  linkCall(future as unknown as Future, call);
}

const DONE_STATES: ReadonlySet<State> = new Set(['cancelled', 'cancelledAndNotified', 'finished']);

function describeOutcome(outcome: Settled<unknown>): string {
  if (outcome.ok) {
    const value = outcome.value;
    const ctor = (value as { constructor?: { name?: string } } | null)?.constructor;
    const kind = value === null ? 'null' : typeof value === 'object' ? (ctor?.name ?? 'object') : typeof value;
    return `returned ${kind}`;
  }
  const error = outcome.error;
  return `raised ${error instanceof Error ? error.name : typeof error}`;
}

/**
 * The eventual result of a task submitted to an executor.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor } from 'multipool';
 * await using executor = new ThreadPoolExecutor(2);
 * const future = executor.submit((a: number, b: number) => a + b, 1, 2);
 * console.log(await future.result(5), future.done()); // 3 true
 * ```
 */
export class Future<R = unknown> implements PromiseLike<R> {
  #state: State = 'pending';

  static {
    cancelTakenBack = (future) => {
      if (future.#state !== 'running') return;
      future.#state = 'pending';
      future.cancel();
    };
    linkCall = (future, call) => {
      if (future.done()) call.finish();
      else future.#job = call;
    };
    holdPending = (future, probe) => {
      if (!future.setRunningOrNotifyCancel()) return false;
      // Not running yet: the worker holds it until it gets to it.
      future.#state = 'pending';
      future.#held = probe;
      return true;
    };
  }
  /** How to reach the worker that holds this pending future's call, if one does. */
  #held: HeldProbe | null = null;
  #outcome: Settled<R> | null = null;
  /** The engine's job for this future's call, told first when the future is done. */
  #job: { finish(): void } | null = null;
  /** The error a cancelled future rejects with. */
  #cancelledWith: CancelledError | null = null;
  #callbacks: ((future: Future<R>) => void)[] | null = null;
  /**
   * The promise behind `then` and `result`, made when first asked for: an executor kept busy has a
   * thousand futures pending at once, and a promise nobody awaits is only work for the garbage collector.
   * A failed future nobody awaits so never becomes an unhandled rejection.
   */
  #promise: Promise<R> | null = null;
  #resolve: ((value: R) => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;

  /** Lets `await future` give the result (or throw the task's error). */
  then<A = R, B = never>(onfulfilled?: ((value: R) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#promised().then(onfulfilled, onrejected);
  }

  /**
   * The result; rejects with the task's error, or `CancelledError` if cancelled.
   *
   * @param timeout - seconds to wait; rejects with `TimeoutError` after that (the task goes on).
   */
  result(timeout?: number | null): Promise<R> {
    return withTimeout(this.#promised(), timeout, 'The future');
  }

  /**
   * The task's error, or `null` when it succeeded; rejects with `CancelledError` if cancelled.
   *
   * @param timeout - seconds to wait; rejects with `TimeoutError` after that.
   */
  async exception(timeout?: number | null): Promise<unknown> {
    try {
      await this.result(timeout);
      return null;
    } catch (error) {
      if (this.#outcome && !this.#outcome.ok && this.#state === 'finished') return this.#outcome.error;
      throw error;
    }
  }

  /**
   * Cancels the future if it has not started: true while pending or already
   * cancelled, false once running or finished (Python's rule).
   */
  cancel(): boolean {
    if (this.#state === 'pending' && this.#held) {
      const takenBack = this.#held.cancel();
      this.#held = null;
      if (!takenBack) this.#state = 'running';
    }
    if (this.#state === 'running' || this.#state === 'finished') return false;
    if (this.#state === 'cancelled' || this.#state === 'cancelledAndNotified') return true;
    this.#state = 'cancelled';
    this.#cancelledWith = new CancelledError('The future was cancelled');
    this.#runCallbacks();
    return true;
  }

  /** True once cancelled. */
  cancelled(): boolean {
    return this.#state === 'cancelled' || this.#state === 'cancelledAndNotified';
  }

  /** True while a worker runs it. */
  running(): boolean {
    if (this.#state === 'pending' && this.#held?.started()) {
      this.#held = null;
      this.#state = 'running';
    }
    return this.#state === 'running';
  }

  /** True once finished or cancelled. */
  done(): boolean {
    return DONE_STATES.has(this.#state);
  }

  /**
   * Calls `fn(future)` when the future finishes or is cancelled, or at once if
   * it already has. A callback that throws is reported with
   * `process.emitWarning`; the others still run.
   */
  addDoneCallback(fn: (future: Future<R>) => void): void {
    if (typeof fn !== 'function') throw new TypeError('Expected `fn` to be a function');
    if (this.done()) this.#call(fn);
    else (this.#callbacks ??= []).push(fn);
  }

  /**
   * For executor authors: marks the future running, or returns false if it
   * was cancelled (and records that the cancellation was seen).
   *
   * @throws InvalidStateError when the future is already running or finished.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === 'cancelled') {
      this.#state = 'cancelledAndNotified';
      return false;
    }
    if (this.#state !== 'pending' || this.#held) throw new InvalidStateError(`Future in unexpected state: ${this.#state}`);
    this.#state = 'running';
    return true;
  }

  /**
   * For executor authors: finishes the future with a result.
   *
   * @throws InvalidStateError when it is already finished or cancelled.
   */
  setResult(value: R): void {
    this.#finish({ ok: true, value });
  }

  /**
   * For executor authors: finishes the future with an error.
   *
   * @throws InvalidStateError when it is already finished or cancelled.
   */
  setException(error: unknown): void {
    this.#finish({ ok: false, error });
  }

  /** Python's repr: `<Future state=finished returned number>`. */
  toString(): string {
    this.running();
    const state = this.#state === 'cancelledAndNotified' ? 'cancelled' : this.#state;
    return this.#outcome ? `<Future state=${state} ${describeOutcome(this.#outcome)}>` : `<Future state=${state}>`;
  }

  #finish(outcome: Settled<R>): void {
    if (this.done()) throw new InvalidStateError(`${this.toString()} is already done; it cannot be set again`);
    this.#state = 'finished';
    this.#held = null;
    this.#outcome = outcome;
    if (!outcome.ok) failed.add(this);
    this.#runCallbacks();
  }

  /** The promise of the outcome, made on first use: pending, or settled as the future is. */
  #promised(): Promise<R> {
    if (this.#promise) return this.#promise;
    this.#promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (this.done()) this.#settlePromise();
    return this.#promise;
  }

  /** Settles the promise, if one was made, as the future ended. */
  #settlePromise(): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (!resolve || !reject) return;
    this.#resolve = this.#reject = null;
    if (this.#outcome?.ok) resolve(this.#outcome.value);
    else reject(this.#outcome ? this.#outcome.error : this.#cancelledWith);
  }

  #runCallbacks(): void {
    this.#settlePromise();
    const job = this.#job;
    this.#job = null;
    job?.finish();
    const callbacks = this.#callbacks;
    if (callbacks === null) return;
    this.#callbacks = null;
    for (const fn of callbacks) this.#call(fn);
  }

  #call(fn: (future: Future<R>) => void): void {
    try {
      fn(this);
    } catch (error) {
      process.emitWarning(`multipool: a Future done-callback threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
}
