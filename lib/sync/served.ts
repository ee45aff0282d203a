/**
 * What the owner of a primitive serves to the other threads and processes:
 * the contract between a primitive's state and the broker.
 */

/** Who calls, as the owner sees it. */
export interface CallContext {
  /** The calling process or thread: what a lock records as its holder. */
  readonly agent: number;
  /** Aborted when the caller is gone (its connection closed): a wait on its behalf stops. */
  readonly signal?: AbortSignal;
  /**
   * Registers what undoes this call's effect if its answer never reaches the caller (a queue puts the item
   * back). Absent for a local call, whose answer cannot be lost.
   */
  readonly onLost?: (undo: () => void) => void;
  /** Sends the caller this primitive's notice (a queue recalling its lease). Absent for a local call. */
  readonly notify?: () => void;
}

/** The state of one primitive, held by its owner. */
export interface Served {
  /** Runs `method` for a caller; throws (or rejects) with the error the caller should see. */
  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown;
  /** The process or thread `agent` died: release what it held. */
  agentGone?(agent: number): void;
  /** Shut down (a Manager's shutdown): every later call, and every waiting one, fails. */
  close?(): void;
}

/** What a call to a primitive that was shut down (or whose owner dropped it) gets. */
export const SHUT_DOWN = 'This shared primitive was shut down (its Manager was shut down, or its owner is gone)';

/** A method name the kind does not serve: the caller and the owner disagree, a bug. */
export function unknownMethod(kind: string, method: string): TypeError {
  return new TypeError(`A shared ${kind} has no method \`${method}\``);
}

/** setTimeout's largest delay; a longer one fires at once (with a warning), so it is no limit here. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` after `timeout` seconds; no timer for no limit (undefined, null, Infinity or beyond setTimeout's range). */
export function timerFor(timeout: number | null | undefined, fn: () => void): NodeJS.Timeout | undefined {
  if (timeout === undefined || timeout === null) return undefined;
  const ms = timeout * 1000;
  return ms > MAX_TIMER_MS ? undefined : setTimeout(fn, ms);
}
