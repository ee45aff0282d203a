/**
 * Timing and the result of one contender in one row: a measured value, a
 * failure (wrong result, error, hang) or a skip. Every measurement goes
 * through `attempt`, so one broken contender marks its cell and the run goes
 * on.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export type Cell =
  | { readonly kind: 'ok'; readonly value: number; readonly runs: readonly number[] }
  | { readonly kind: 'fail'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string };

export interface RepOptions {
  /** Timed repetitions; the median is reported. */
  readonly reps: number;
  /** After a repetition slower than this (ms), stop: slow rows run once, fast rows get a median. */
  readonly slowMs: number;
}

/** A wrong result: the cell says FAIL with this message. */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

/** Throws `CheckFailed` unless `ok`. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new CheckFailed(what);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? Number.NaN;
  return ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Milliseconds one call of `fn` takes; `fn` verifies its own result (and throws `CheckFailed`). */
export async function timeOnce(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs `fn` up to `reps` times and returns every run's time in ms. */
export async function repeat(fn: () => Promise<void>, options: RepOptions): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    runs.push(await timeOnce(fn));
    if ((runs[i] ?? 0) > options.slowMs) break;
  }
  return runs;
}

/** A cell from repetition times; `scale` turns one run's ms into the row's unit (e.g. µs per round trip). */
export function cellFromRuns(runs: readonly number[], scale = 1): Cell {
  const scaled = runs.map((ms) => ms * scale);
  return { kind: 'ok', value: median(scaled), runs: scaled };
}

export class Timeout extends Error {
  override readonly name = 'Timeout';
}

/** Rejects with `Timeout` after `ms`; the timer never keeps the process alive on its own. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  const timer = sleep(ms, undefined, { signal: controller.signal, ref: false }).then(() => {
    throw new Timeout(`${what} did not finish within ${Math.round(ms / 1000)} s`);
  });
  try {
    return await Promise.race([promise, timer]);
  } finally {
    controller.abort();
    timer.catch(() => {});
  }
}

/** A short one-line reason for a failure cell. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const first = `${error.name}: ${error.message}`.split('\n')[0] ?? error.name;
    return first.length > 160 ? `${first.slice(0, 157)}...` : first;
  }
  return String(error);
}

/**
 * Sets a contender up, measures it, and always tears it down; any error or
 * hang becomes a FAIL cell instead of ending the run.
 */
export async function attempt<T>(
  label: string,
  setup: () => Promise<T> | T,
  measure: (subject: T) => Promise<Cell>,
  teardown: (subject: T) => unknown,
  timeoutMs: number,
): Promise<Cell> {
  let subject: T | undefined;
  let created = false;
  try {
    subject = await withTimeout(Promise.resolve(setup()), timeoutMs, `${label} setup`);
    created = true;
    return await withTimeout(measure(subject), timeoutMs, label);
  } catch (error) {
    process.stderr.write(`  ${label}: FAILED ${describeFailure(error)}\n`);
    return { kind: 'fail', reason: describeFailure(error) };
  } finally {
    if (created) await cleanUp(label, () => teardown(subject as T));
  }
}

/** Tears a contender down; a teardown that hangs or throws is reported, not fatal. */
async function cleanUp(label: string, teardown: () => unknown): Promise<void> {
  try {
    await withTimeout(Promise.resolve().then(teardown), 15_000, `${label} teardown`);
  } catch (error) {
    process.stderr.write(`  ${label}: teardown problem: ${describeFailure(error)}\n`);
  }
}
