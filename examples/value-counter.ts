/**
 * The classic race, made safe: four `Process`es each add 1 to a shared
 * `Value('i', 0)` many times. `counter.value += 1` is a read, an add and a
 * write; two processes that read the same number both write the same sum, and
 * one increment is lost. Holding `counter.getLock()` around the read and the
 * write makes the total exact, as Python's
 *
 * ```python
 * with counter.get_lock():
 *     counter.value += 1
 * ```
 *
 * For contrast, the same loop on a `RawValue` (no lock) may lose updates: how
 * many depends on timing and changes from run to run, sometimes none.
 *
 * The targets travel as module tasks, `task(import.meta.url, fn)`, so
 * `await using` works in them; the main program sits behind `isMain`.
 *
 * Run it: node --import tsx examples/value-counter.ts [increments] [--thread]
 *   increments per process (default 250); --thread runs the four as worker
 *   threads (`backend: 'thread'`) instead of child processes.
 */
import type { ProcessBackend } from 'multipool';
import { isMain, Process, RawValue, task, Value } from 'multipool';

/** How many processes increment the counter at once. */
const PROCESSES = 4;
/** Increments per process when none is given on the command line. */
const DEFAULT_INCREMENTS = 250;

/** Adds 1 to `counter` `times` times, each read-modify-write under the counter's lock. */
export async function increment(counter: Value<'i'>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await using _ = await counter.getLock().hold();
    await counter.set((await counter.get()) + 1);
  }
}

/** The same loop without a lock: another process may write between this one's read and its write. */
export async function incrementUnlocked(counter: RawValue<'i'>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await counter.set((await counter.get()) + 1);
}

/** Starts PROCESSES processes running `target(counter, times)` and waits for all of them. */
async function runAll<V extends Value<'i'>>(target: (counter: V, times: number) => Promise<void>, counter: V, times: number, backend: ProcessBackend): Promise<void> {
  const processes = Array.from({ length: PROCESSES }, () => new Process({ target: task(import.meta.url, target), args: [counter, times], backend }));
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  const failed = processes.filter((p) => p.exitCode !== 0);
  if (failed.length > 0) throw new Error(failed.map((p) => `${p.name} exited with ${p.exitCode}`).join(', '));
}

if (isMain(import.meta)) {
  const backend: ProcessBackend = process.argv.includes('--thread') ? 'thread' : 'process';
  const given = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const times = given === undefined ? DEFAULT_INCREMENTS : Number(given);
  if (!Number.isSafeInteger(times) || times < 1) throw new RangeError(`Expected \`increments\` to be a positive integer, got "${given}": pass a whole number such as ${DEFAULT_INCREMENTS}`);
  const expected = PROCESSES * times;
  console.log(`${PROCESSES} ${backend === 'thread' ? 'threads' : 'processes'} x ${times} increments each`);

  const counter = new Value('i', 0);
  await runAll(increment, counter, times, backend);
  console.log(`with the lock: ${await counter.get()} (expected ${expected})`);

  const raw = new RawValue('i', 0);
  await runAll(incrementUnlocked, raw, times, backend);
  const unlocked = await raw.get();
  console.log(`without a lock: ${unlocked} (${expected - unlocked} updates lost this run; it varies)`);
}
