/** The `lock` option of Value and SharedArray: a new RLock (Python's default), a given lock, or none. */
import { InvalidStateError } from '../errors.js';
import { describe } from '../internal/validate.js';
import { Lock, RLock } from './lock.js';

export function resolveLock(option: unknown): Lock | null {
  if (option === undefined || option === true) return new RLock();
  if (option === false) return null;
  if (option instanceof Lock) return option;
  throw new TypeError(`Expected \`lock\` to be true, false or a Lock or RLock, got ${describe(option)}`);
}

/** The lock of a value made with `lock: false` (a RawValue or RawArray) does not exist. */
export function noLock(what: string): InvalidStateError {
  return new InvalidStateError(`This ${what} has no lock: it was made with \`lock: false\` (a Raw${what}); make it with a lock to use getLock()`);
}

/** Why the synchronous accessors fail in a child process. */
export function notShared(what: string, accessor: string, fix: string): InvalidStateError {
  return new InvalidStateError(
    `${what}.${accessor} works only where the memory is shared (the process that made it and its worker threads); ` +
      `this is another process: use ${fix} instead`,
  );
}
