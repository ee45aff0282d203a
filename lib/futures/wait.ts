/**
 * Python's `concurrent.futures.wait` and `as_completed`, over any futures,
 * from any executors (or made by hand).
 */
import { TimeoutError } from '../errors.js';
import { validateKeys, validatePlainObject, validateTimeout } from '../internal/validate.js';
import { Wakeup } from '../internal/wakeup.js';
import { finishedWithError,Future } from './future.js';

/**
 * `wait()` returns as soon as any future finishes or is cancelled.
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor, wait, FIRST_COMPLETED } from 'multipool';
 * await using executor = new ThreadPoolExecutor(2);
 * const { done } = await wait([executor.submit(() => 1)], { returnWhen: FIRST_COMPLETED });
 * console.log(done.size); // 1
 * ```
 */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/**
 * `wait()` returns as soon as any future fails, or when all are done.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor, wait, FIRST_EXCEPTION } from 'multipool';
 * await using executor = new ProcessPoolExecutor(2);
 * const fs = [executor.submit(() => { throw new Error('no'); }), executor.submit(() => 2)];
 * const { done, notDone } = await wait(fs, { returnWhen: FIRST_EXCEPTION, timeout: 10 });
 * console.log(done.size >= 1, notDone.size <= 1); // true true
 * ```
 */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/**
 * `wait()` returns when every future is done (the default).
 *
 * @example
 * ```ts
 * import { ThreadPoolExecutor, wait, ALL_COMPLETED } from 'multipool';
 * await using executor = new ThreadPoolExecutor(2);
 * const { notDone } = await wait([executor.submit(() => 1), executor.submit(() => 2)], { returnWhen: ALL_COMPLETED });
 * console.log(notDone.size); // 0
 * ```
 */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** What `wait()` waits for: `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED`. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/**
 * A `Future` without `then`: TypeScript types a `for await` variable as the awaited value, so a thenable
 * would be typed as its result. Key a `Map` by it, or by `Future`: `asCompleted` and `wait` take either.
 */
export type CompletedFuture<R> = Omit<Future<R>, 'then'>;

/**
 * A future as `asCompleted` yields it: the very object you passed in (an `F`, so it finds its entry in a
 * `Map<Future<R>, X>` or `Map<CompletedFuture<R>, X>`), with `then` typed away so that `for await` does not
 * type it as the result.
 */
export type Completed<F> = F & { readonly then: never };

/** Options of `wait()`. */
export interface WaitOptions {
  /** Seconds to wait at most; `wait` then returns what is done by then. */
  timeout?: number | null | undefined;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (default). */
  returnWhen?: ReturnWhen | undefined;
}

/** `fs` is checked as `unknown`: JavaScript callers may pass anything. A Map stands for its keys, as a dict does in Python. */
function uniqueFutures<R>(fs: unknown, name: string): Future<R>[] {
  if (fs === null || typeof fs !== 'object' || typeof (fs as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be an iterable of futures, or a Map keyed by futures`);
  }
  const unique = [...new Set(fs instanceof Map ? (fs.keys() as Iterable<Future<R>>) : (fs as Iterable<Future<R>>))];
  for (const f of unique) {
    if (!(f instanceof Future)) throw new TypeError(`Expected \`${name}\` to hold only Future objects, got ${typeof f}`);
  }
  return unique;
}


/**
 * Waits for the futures, as Python's `concurrent.futures.wait`. Never
 * rejects on timeout: it returns what is done by then.
 *
 * @param fs - the futures: an iterable of them, or a `Map` keyed by them (its keys, as Python iterates a dict's).
 * @param options.timeout - seconds to wait at most.
 * @param options.returnWhen - `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (default).
 * @example
 * ```ts
 * import { ThreadPoolExecutor, wait, FIRST_COMPLETED } from 'multipool';
 * await using executor = new ThreadPoolExecutor(2);
 * const fs = [1, 2].map((n) => executor.submit((x: number) => x * 2, n));
 * const { done, notDone } = await wait(fs, { returnWhen: FIRST_COMPLETED });
 * console.log(done.size >= 1, done.size + notDone.size); // true 2
 * ```
 */
export function wait<F extends CompletedFuture<unknown>>(fs: ReadonlyMap<F, unknown>, options?: WaitOptions): Promise<{ done: Set<F>; notDone: Set<F> }>;
// eslint-disable-next-line @typescript-eslint/unified-signatures -- as one union, F would be inferred from a Map's entries
export function wait<F extends CompletedFuture<unknown>>(fs: Iterable<F>, options?: WaitOptions): Promise<{ done: Set<F>; notDone: Set<F> }>;
export async function wait(fs: unknown, options: WaitOptions = {}): Promise<{ done: Set<unknown>; notDone: Set<unknown> }> {
  const futures = uniqueFutures<unknown>(fs, 'fs');
  validatePlainObject(options, 'options');
  validateKeys(options, 'wait() options', ['timeout', 'returnWhen']);
  const { timeout, returnWhen = ALL_COMPLETED } = options;
  validateTimeout(timeout);
  if (![FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED].includes(returnWhen)) {
    throw new TypeError(`Expected \`returnWhen\` to be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${returnWhen}`);
  }
  const satisfied = (): boolean => {
    const done = futures.filter((f) => f.done());
    if (returnWhen === FIRST_COMPLETED) return done.length > 0;
    if (returnWhen === FIRST_EXCEPTION && done.some((f) => finishedWithError(f))) return true;
    return done.length === futures.length;
  };
  if (!satisfied() && timeout !== 0) {
    await new Promise<void>((resolve) => {
      const timer = timeout === null || timeout === undefined ? null : setTimeout(resolve, timeout * 1000);
      const check = (): void => {
        if (!satisfied()) return;
        if (timer) clearTimeout(timer);
        resolve();
      };
      for (const f of futures) f.addDoneCallback(check);
    });
  }
  const done = new Set(futures.filter((f) => f.done()));
  return { done, notDone: new Set(futures.filter((f) => !done.has(f))) };
}

/**
 * The futures as they finish (already finished ones first), as Python's
 * `as_completed`. Yields the `Future` objects themselves, typed as
 * `Completed<F>` (see there), so they find their entry in a `Map` keyed by
 * `Future` or `CompletedFuture` with no cast.
 *
 * @param fs - the futures: an iterable of them, or a `Map` keyed by them (its keys, as Python iterates a dict's):
 *   `asCompleted(futureToUrl)` is `as_completed(future_to_url)`.
 * @param timeout - seconds, counted from this call; after that `next()` rejects with
 *   `TimeoutError("N (of M) futures unfinished")`.
 * @example
 * ```ts
 * import { ThreadPoolExecutor, asCompleted } from 'multipool';
 * await using executor = new ThreadPoolExecutor(2);
 * const fs = [3, 1, 2].map((n) => executor.submit((x: number) => x * 10, n));
 * for await (const future of asCompleted(fs, 10)) console.log(await future.result());
 *
 * const futureToUrl = new Map(['a.example', 'b.example'].map((url) => [executor.submit((u: string) => u.length, url), url] as const));
 * for await (const future of asCompleted(futureToUrl)) console.log(futureToUrl.get(future), await future.result());
 * ```
 */
export function asCompleted<F extends CompletedFuture<unknown>>(fs: ReadonlyMap<F, unknown>, timeout?: number | null): AsyncIterableIterator<Completed<F>>;
// eslint-disable-next-line @typescript-eslint/unified-signatures -- as one union, F would be inferred from a Map's entries
export function asCompleted<F extends CompletedFuture<unknown>>(fs: Iterable<F>, timeout?: number | null): AsyncIterableIterator<Completed<F>>;
export function asCompleted(fs: unknown, timeout?: number | null): AsyncIterableIterator<unknown> {
  validateTimeout(timeout);
  return new AsCompletedIterator(uniqueFutures<unknown>(fs, 'fs'), timeout);
}

/** A class, not an async generator: a generator would `await` each yielded future and yield its result. */
class AsCompletedIterator<R> implements AsyncIterableIterator<Future<R>> {
  readonly #total: number;
  readonly #deadline: number | null;
  readonly #finished: Future<R>[] = [];
  #pending: Set<Future<R>>;
  readonly #wakeup = new Wakeup();

  constructor(futures: Future<R>[], timeout: number | null | undefined) {
    this.#total = futures.length;
    this.#deadline = timeout === null || timeout === undefined ? null : Date.now() + timeout * 1000;
    this.#pending = new Set(futures.filter((f) => !f.done()));
    this.#finished = futures.filter((f) => f.done());
    for (const f of this.#pending) {
      f.addDoneCallback(() => {
        if (!this.#pending.delete(f)) return;
        this.#finished.push(f);
        this.#wakeup.wake();
      });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Future<R>>> {
    for (;;) {
      const next = this.#finished.shift();
      if (next) return { done: false, value: next };
      if (this.#pending.size === 0) return { done: true, value: undefined };
      const left = this.#deadline === null ? null : this.#deadline - Date.now();
      if (left !== null && left <= 0) throw this.#timeoutError();
      await this.#wakeup.wait(left);
    }
  }

  return(): Promise<IteratorResult<Future<R>>> {
    this.#pending = new Set();
    this.#finished.length = 0;
    return Promise.resolve({ done: true, value: undefined });
  }

  #timeoutError(): TimeoutError {
    return new TimeoutError(`${this.#pending.size} (of ${this.#total}) futures unfinished`);
  }
}
