/**
 * Contenders of one row timed in turn: every contender is opened first, then each repetition runs once per
 * contender before the next repetition starts. A change in the machine's state (another process, a CPU's
 * power state, the hypervisor) then hits every contender alike instead of whichever was running during it.
 * Round trips are where that matters most: on this kind of machine the same raw echo measured 17 µs in one
 * minute and 70 µs in the next.
 */
import { performance } from 'node:perf_hooks';

import type { Cell, RepOptions } from './measure.js';
import { describeFailure, withTimeout } from './measure.js';

/** One contender: how to open it, one timed repetition on it, and how to close it. */
export interface Turn<K extends string> {
  readonly id: K;
  readonly label: string;
  open(): Promise<Interleaved>;
}

/**
 * An opened contender, warmed up: `run` is one repetition (it checks its own results). Its figure is how long
 * it took (ms), unless it resolves to a number: then that is the figure (a rate a repetition measured itself).
 */
export interface Interleaved {
  /** Untimed work before each repetition (fresh inputs for a run that consumes its own). */
  prepare?(): void;
  run(): Promise<unknown>;
  close(): Promise<unknown>;
}

/** How to open a contender, warm it up before the first round, and close it. */
export interface Setup<T> {
  open(): Promise<T> | T;
  warm(subject: T): Promise<unknown>;
  close(subject: T): Promise<unknown>;
}

/**
 * A contender opened and warmed up by `setup`, whose repetitions `rounds` gives: a warm-up that fails closes
 * it again (its cell then says why) instead of leaving its workers running.
 */
export function warmedTurn<K extends string, T>(id: K, label: string, setup: Setup<T>, rounds: (subject: T) => Omit<Interleaved, 'close'>): Turn<K> {
  return {
    id,
    label,
    async open() {
      const subject = await setup.open();
      try {
        await setup.warm(subject);
      } catch (error) {
        await setup.close(subject);
        throw error;
      }
      return { ...rounds(subject), close: () => setup.close(subject) };
    },
  };
}

interface State {
  opened?: Interleaved;
  failed?: Cell;
  readonly runs: number[];
}

/** A FAIL cell for `label`, said on stderr as the run goes. */
export function failure(label: string, error: unknown): Cell {
  process.stderr.write(`  ${label}: FAILED ${describeFailure(error)}\n`);
  return { kind: 'fail', reason: describeFailure(error) };
}

/** One repetition's figure: the number `run` resolved to, or else how long it took (ms). */
async function figureOf(opened: Interleaved): Promise<number> {
  const start = performance.now();
  const figure = await opened.run();
  return typeof figure === 'number' ? figure : performance.now() - start;
}

/**
 * Opens every contender, runs `reps.reps` rounds of one repetition each, closes them all; a cell per id, made
 * from its repetitions' times (ms) by `toCell`.
 */
export async function interleavedCells<K extends string>(turns: readonly Turn<K>[], reps: RepOptions, timeoutMs: number, toCell: (runs: readonly number[]) => Cell): Promise<Map<K, Cell>> {
  const states = turns.map((): State => ({ runs: [] }));
  try {
    for (const [i, turn] of turns.entries()) {
      const state = states[i] as State;
      try {
        state.opened = await withTimeout(turn.open(), timeoutMs, `${turn.label} setup`);
      } catch (error) {
        state.failed = failure(turn.label, error);
      }
    }
    for (let rep = 0; rep < reps.reps; rep++) {
      for (const [i, turn] of turns.entries()) {
        const state = states[i] as State;
        const { opened } = state;
        if (!opened || state.failed || (state.runs.at(-1) ?? 0) > reps.slowMs) continue;
        try {
          opened.prepare?.();
          state.runs.push(await withTimeout(figureOf(opened), timeoutMs, turn.label));
        } catch (error) {
          state.failed = failure(turn.label, error);
        }
      }
    }
  } finally {
    for (const [i, turn] of turns.entries()) {
      await withTimeout(Promise.resolve(states[i]?.opened?.close()), 15_000, `${turn.label} teardown`).catch((error: unknown) =>
        process.stderr.write(`  ${turn.label}: teardown problem: ${describeFailure(error)}\n`),
      );
    }
  }
  return new Map(turns.map((turn, i) => [turn.id, states[i]?.failed ?? toCell(states[i]?.runs ?? [])]));
}
