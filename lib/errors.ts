/**
 * Every error class multipool throws on purpose. Each has a stable `code`, and a
 * new instance is made for every throw so stacks and causes are never shared.
 *
 * @module
 */

/**
 * A wait ran out of time: `get(timeout)`, `result(timeout)`, `next(timeout)`,
 * `asCompleted(fs, timeout)`, or a per-task `timeout`. Timeouts are in seconds.
 *
 * @example
 * ```ts
 * import { Pool, TimeoutError } from 'multipool';
 * await using pool = new Pool(1);
 * const slow = pool.applyAsync(() => new Promise((r) => setTimeout(r, 500)));
 * try {
 *   await slow.get(0.01);
 * } catch (error) {
 *   if (!(error instanceof TimeoutError)) throw error;
 * }
 * ```
 */
export class TimeoutError extends Error {
  /** Always `'ERR_TIMEOUT'`. */
  readonly code = 'ERR_TIMEOUT';
  constructor(message = 'The operation timed out', options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

/**
 * The work was cancelled before it ran: a cancelled `Future`, or a task still
 * pending when its pool was terminated.
 *
 * @example
 * ```ts
 * import { CancelledError } from 'multipool';
 * const error = new CancelledError('the pool was terminated');
 * console.log(error.code); // 'ERR_CANCELLED'
 * ```
 */
export class CancelledError extends Error {
  /** Always `'ERR_CANCELLED'`. */
  readonly code = 'ERR_CANCELLED';
  constructor(message = 'The task was cancelled', options?: ErrorOptions) {
    super(message, options);
    this.name = 'CancelledError';
  }
}

/**
 * An operation was called in a state that does not allow it, such as
 * `successful()` on an unfinished result or a second `setResult()` on a future.
 *
 * @example
 * ```ts
 * import { InvalidStateError } from 'multipool';
 * console.log(new InvalidStateError('not ready').code); // 'ERR_INVALID_STATE'
 * ```
 */
export class InvalidStateError extends Error {
  /** Always `'ERR_INVALID_STATE'`. */
  readonly code = 'ERR_INVALID_STATE';
  constructor(message = 'Invalid state', options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidStateError';
  }
}

/**
 * A pool or executor can no longer run work, as Python's
 * `concurrent.futures.BrokenExecutor`.
 *
 * @example
 * ```ts
 * import { BrokenExecutor, BrokenProcessPool } from 'multipool';
 * console.log(new BrokenProcessPool('gone') instanceof BrokenExecutor); // true
 * ```
 */
export class BrokenExecutor extends Error {
  /** `'ERR_BROKEN_EXECUTOR'`, or the subclass's own code. */
  readonly code: string = 'ERR_BROKEN_EXECUTOR';
  constructor(message = 'The executor is broken', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokenExecutor';
  }
}

/**
 * A process pool whose worker died abruptly or whose initializer failed.
 *
 * @example
 * ```ts
 * import { BrokenProcessPool } from 'multipool';
 * console.log(new BrokenProcessPool('gone').code); // 'ERR_BROKEN_PROCESS_POOL'
 * ```
 */
export class BrokenProcessPool extends BrokenExecutor {
  override readonly code: string = 'ERR_BROKEN_PROCESS_POOL';
  constructor(message = 'The process pool is not usable anymore', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokenProcessPool';
  }
}

/**
 * A thread pool whose worker thread exited or whose initializer failed.
 *
 * @example
 * ```ts
 * import { BrokenThreadPool } from 'multipool';
 * console.log(new BrokenThreadPool('gone').code); // 'ERR_BROKEN_THREAD_POOL'
 * ```
 */
export class BrokenThreadPool extends BrokenExecutor {
  override readonly code: string = 'ERR_BROKEN_THREAD_POOL';
  constructor(message = 'The thread pool is not usable anymore', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokenThreadPool';
  }
}

/**
 * A task's result could not be sent back from the worker (it holds a function,
 * a symbol, or another value structured clone refuses). Built as Python builds
 * it, `new MaybeEncodingError(exc, value)`, or with just a message.
 *
 * @example
 * ```ts
 * import { MaybeEncodingError } from 'multipool';
 * const error = new MaybeEncodingError(new Error('could not be cloned'), 'a function');
 * console.log(error.value); // 'a function'
 * console.log(new MaybeEncodingError('could not send').message); // 'could not send'
 * ```
 */
export class MaybeEncodingError extends Error {
  /** Always `'ERR_MAYBE_ENCODING'`. */
  readonly code = 'ERR_MAYBE_ENCODING';
  /** The serialization error (`undefined` when built with just a message). */
  readonly exc: unknown;
  /** A short description of the value that could not be sent (`''` when built with just a message). */
  readonly value: string;
  /** @param message - the whole message, as any error class takes. */
  constructor(message: string, options?: ErrorOptions);
  /**
   * @param exc - the serialization error (Python's `exc`).
   * @param value - a short description of the result that could not be sent.
   */
  constructor(exc: unknown, value: string, options?: ErrorOptions);
  constructor(excOrMessage: unknown, valueOrOptions?: string | ErrorOptions, options?: ErrorOptions) {
    if (typeof valueOrOptions === 'string') {
      const reason = excOrMessage instanceof Error ? excOrMessage.message : String(excOrMessage);
      super(`Error sending result: ${valueOrOptions}. Reason: ${reason}`, options);
      this.exc = excOrMessage;
      this.value = valueOrOptions;
    } else {
      super(String(excOrMessage), valueOrOptions);
      this.exc = undefined;
      this.value = '';
    }
    this.name = 'MaybeEncodingError';
  }
}

/**
 * The worker-side stack of a task's error. It is the `cause` of every error a
 * task throws, as Python chains `RemoteTraceback`.
 *
 * @example
 * ```ts
 * import { Pool, RemoteTraceback } from 'multipool';
 * await using pool = new Pool(1);
 * try {
 *   await pool.apply(() => { throw new TypeError('bad'); });
 * } catch (error) {
 *   if ((error as Error).cause instanceof RemoteTraceback) console.log((error as Error).cause);
 * }
 * ```
 */
export class RemoteTraceback extends Error {
  /** Always `'ERR_REMOTE_TRACEBACK'`. */
  readonly code = 'ERR_REMOTE_TRACEBACK';
  /** The stack text as the worker saw it. */
  readonly tb: string;
  constructor(tb: string, options?: ErrorOptions) {
    super(`\n"""\n${tb}\n"""`, options);
    this.name = 'RemoteTraceback';
    this.tb = tb;
  }
}

/**
 * A worker died (exit, signal, out of memory) while it held a task.
 *
 * @example
 * ```ts
 * import { WorkerLostError } from 'multipool';
 * const error = new WorkerLostError('worker 1 exited with code 3', { exitCode: 3, signal: null });
 * console.log(error.exitCode); // 3
 * console.log(new WorkerLostError('lost').exitCode); // null
 * ```
 */
export class WorkerLostError extends Error {
  /** Always `'ERR_WORKER_LOST'`. */
  readonly code = 'ERR_WORKER_LOST';
  /** The worker's exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended the worker, or `null`. */
  readonly signal: string | null;
  /**
   * @param message - what happened.
   * @param exit - how the worker ended; without it both `exitCode` and `signal` are `null`.
   */
  constructor(message = 'A worker died while it held a task', exit?: { exitCode: number | null; signal: string | null }, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkerLostError';
    this.exitCode = exit?.exitCode ?? null;
    this.signal = exit?.signal ?? null;
  }
}

/**
 * A task was aborted through its `signal`: `name` is `'AbortError'` and `cause` is `signal.reason`, as
 * DOM-style APIs report an abort.
 */
export class AbortError extends Error {
  /** Always `'ABORT_ERR'`, as Node's own AbortError. */
  readonly code = 'ABORT_ERR';
  constructor(message = 'The task was aborted', options?: ErrorOptions) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/**
 * A non-blocking or timed-out `get` found its queue empty (Python's `queue.Empty`).
 *
 * @example
 * ```ts
 * import { Empty } from 'multipool';
 * console.log(new Empty().code); // 'ERR_QUEUE_EMPTY'
 * ```
 */
export class Empty extends Error {
  /** Always `'ERR_QUEUE_EMPTY'`. */
  readonly code = 'ERR_QUEUE_EMPTY';
  constructor(message = 'The queue is empty', options?: ErrorOptions) {
    super(message, options);
    this.name = 'Empty';
  }
}

/**
 * A non-blocking or timed-out `put` found its bounded queue full (Python's `queue.Full`).
 *
 * @example
 * ```ts
 * import { Full } from 'multipool';
 * console.log(new Full().code); // 'ERR_QUEUE_FULL'
 * ```
 */
export class Full extends Error {
  /** Always `'ERR_QUEUE_FULL'`. */
  readonly code = 'ERR_QUEUE_FULL';
  constructor(message = 'The queue is full', options?: ErrorOptions) {
    super(message, options);
    this.name = 'Full';
  }
}

/**
 * A `Barrier` was broken (aborted, reset while parties waited, or a wait timed out): every waiter rejects.
 *
 * @example
 * ```ts
 * import { BrokenBarrierError } from 'multipool';
 * console.log(new BrokenBarrierError().code); // 'ERR_BROKEN_BARRIER'
 * ```
 */
export class BrokenBarrierError extends Error {
  /** Always `'ERR_BROKEN_BARRIER'`. */
  readonly code = 'ERR_BROKEN_BARRIER';
  constructor(message = 'The barrier is broken', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BrokenBarrierError';
  }
}

/**
 * A `Process` was misused: started twice, or joined before it was started.
 *
 * @example
 * ```ts
 * import { ProcessError } from 'multipool';
 * console.log(new ProcessError('cannot start a process twice').code); // 'ERR_PROCESS'
 * ```
 */
export class ProcessError extends Error {
  /** Always `'ERR_PROCESS'`. */
  readonly code = 'ERR_PROCESS';
  constructor(message = 'The process cannot do that in its current state', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProcessError';
  }
}
