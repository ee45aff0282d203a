/** A promise with a deadline in seconds, as every `timeout` argument in the API. */
import { TimeoutError } from '../errors.js';
import { validateTimeout } from './validate.js';

/** Waits up to `timeout` seconds for `promise`; rejects with a TimeoutError after that. */
export function withTimeout<T>(promise: Promise<T>, timeout: number | null | undefined, what: string): Promise<T> {
  if (timeout === null || timeout === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    // Validated inside the promise, so that a bad timeout rejects the returned promise instead of throwing.
    validateTimeout(timeout);
    const timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${timeout} s`)), timeout * 1000);
    // Settles as `promise` does; a failed task's error is passed on as it was thrown, Error or not.
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
