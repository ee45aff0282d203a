/**
 * The iterator `imap`, `imapUnordered`, `Executor.map` and `multiYield` hand
 * their users: it waits on an `IMapJob` and nothing more, so the job's engine
 * hooks stay out of the public surface.
 */
import { TimeoutError } from '../errors.js';
import { validateTimeout } from '../internal/validate.js';
import type { IMapSpec } from './imap-job.js';
import { IMapJob } from './imap-job.js';
import type { LazyJobHost } from './job.js';
import { EMPTY, ERROR, VALUE } from './output-queue.js';

/** Function-valued fields, not methods: `next()` wraps them to clear its timer. */
interface Waiter {
  resolve: (result: IteratorResult<unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * The iterator `imap`/`imapUnordered` return: `for await` it, or call
 * `next(timeout)` to wait at most `timeout` seconds for the next result.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * await using pool = new Pool(2);
 * for await (const square of pool.imap((x: number) => x * x, [1, 2, 3])) console.log(square);
 * ```
 */
export class IMapIterator<R> implements AsyncIterableIterator<R> {
  /** The job id, as used by the pool's events. */
  readonly id: number;
  readonly #job: IMapJob;
  #waiters: Waiter[] = [];
  #delivering = false;

  /** @internal Submits the job to `host` and starts reading its input. */
  constructor(host: LazyJobHost, spec: IMapSpec) {
    this.#job = new IMapJob(host, spec, () => this.#deliver());
    this.id = this.#job.id;
    host.submit(this.#job);
    this.#job.start();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * The next result. With chunksize 1 a failed item rejects this call and
   * iteration can go on, as in Python.
   *
   * @param timeout - seconds to wait; rejects with `TimeoutError` after that, and the result stays queued.
   */
  next(timeout?: number | null): Promise<IteratorResult<R>> {
    validateTimeout(timeout);
    const taken = this.#job.take();
    if (taken === VALUE) return Promise.resolve({ done: false, value: this.#job.taken as R });
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a task may throw any value; like Python, imap re-raises it unchanged
    if (taken === ERROR) return Promise.reject(this.#job.taken);
    if (this.#job.drained) return Promise.resolve({ done: true, value: undefined });
    return new Promise<IteratorResult<R>>((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as Waiter['resolve'], reject };
      this.#waiters.push(waiter);
      if (timeout === null || timeout === undefined) return;
      const timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at === -1) return;
        this.#waiters.splice(at, 1);
        reject(new TimeoutError(`No result within ${timeout} s; the iterator is still usable`));
      }, timeout * 1000);
      waiter.resolve = (result) => {
        clearTimeout(timer);
        resolve(result as IteratorResult<R>);
      };
      waiter.reject = (error) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a task may throw any value; it is re-raised unchanged
        reject(error);
      };
    });
  }

  /** Stops early (what `break` calls): no more input is read and pending results are dropped. */
  return(value?: unknown): Promise<IteratorResult<R>> {
    this.#job.close();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: value as R });
  }

  #deliver(): void {
    // Taking an entry pulls more input, which may deliver again: one loop at a time.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#waiters.length > 0) {
        const taken = this.#job.take();
        if (taken !== EMPTY) {
          const waiter = this.#waiters.shift() as Waiter;
          if (taken === VALUE) waiter.resolve({ done: false, value: this.#job.taken });
          else waiter.reject(this.#job.taken);
        } else if (this.#job.drained) {
          for (const waiter of this.#waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
        } else {
          return;
        }
      }
    } finally {
      this.#delivering = false;
    }
  }
}
