/** Python's `with lock:` for every primitive that is acquired and released: `await using _ = await lock.hold()`. */
import { TimeoutError } from '../errors.js';
import { validateTimeout } from '../internal/validate.js';

export interface Acquirable {
  acquire(block?: boolean, timeout?: number | null): Promise<boolean>;
  release(): Promise<void>;
}

/** Acquires `target` (a TimeoutError after `timeout` seconds) and returns what releases it once disposed. */
export async function holdFor(target: Acquirable, what: string, timeout: number | null | undefined): Promise<AsyncDisposable> {
  validateTimeout(timeout);
  if (!(await target.acquire(true, timeout))) throw new TimeoutError(`Could not acquire the ${what} within ${timeout} s`);
  let held = true;
  return {
    async [Symbol.asyncDispose](): Promise<void> {
      if (!held) return;
      held = false;
      await target.release();
    },
  };
}
