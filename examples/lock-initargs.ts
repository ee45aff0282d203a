/**
 * Seed 001's `Lock` section: a lock makes sure only one process at a time runs a
 * critical section, taken either with `l.acquire()` … `l.release()` (the seed's
 * `func1`) or with `with l:` (its `func2`), here `await using _ = await
 * l.hold()`. The seed keeps the lock in a global because a Python `Lock` cannot
 * be pickled into `map()`; the Python docs' way, kept here, is to hand it to
 * every worker once, through the Pool's `initializer`/`initargs`, which stores it
 * in a module variable.
 *
 * The critical section appends three lines to one shared file, waiting a little
 * between them: without the lock the workers' lines would interleave. The main
 * program prints the file and checks that each task's three lines stayed
 * together.
 *
 * The tasks need `node:fs` and the lock, so they travel as module tasks,
 * `task(import.meta.url, fn)`: `await using` works in them (in an inline
 * function it would not, see the guide on processes), and the main program
 * sits behind `isMain(import.meta)`, as Python's behind `__main__`.
 *
 * Run it: node --import tsx examples/lock-initargs.ts [--thread]
 *   --thread uses worker threads (`backend: 'thread'`) instead of child processes.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { currentProcess, isMain, Lock, Pool, task } from 'multipool';

/** Workers in the pool: more than one, or nothing could interleave. */
const WORKERS = 2;
/** Tasks per style (acquire/release, hold). */
const TASKS_PER_STYLE = 5;
/** The pause between a task's lines, in milliseconds: room for another worker to write, were it unlocked. */
const PAUSE_MS = 20;

/** The lock this worker got through initargs: the seed's global `l`. */
let l: Lock | undefined;

/** The pool's initializer: runs once in each worker with the lock from `initargs`. */
export function init(lock: Lock): void {
  l = lock;
}

function sharedLock(): Lock {
  if (l === undefined) throw new Error('no lock: the pool must be created with initializer: init and initargs: [lock]');
  return l;
}

/** The critical section: three lines for task `id` that must not interleave with another task's. */
async function writeBlock(file: string, id: number, style: string): Promise<void> {
  const who = currentProcess().name;
  for (const step of ['begin', 'work', 'end']) {
    await appendFile(file, `task ${id} ${step} (${style}, ${who})\n`);
    await sleep(PAUSE_MS);
  }
}

/** The seed's `func1`: acquire() … release(), the release in `finally` so that a throw cannot keep the lock. */
export async function func1(file: string, id: number): Promise<void> {
  const lock = sharedLock();
  await lock.acquire();
  try {
    await writeBlock(file, id, 'acquire/release');
  } finally {
    await lock.release();
  }
}

/** The seed's `func2`: `with l:`, released when the block ends, however it ends. */
export async function func2(file: string, id: number): Promise<void> {
  await using _ = await sharedLock().hold();
  await writeBlock(file, id, 'hold');
}

/** The task ids whose three lines are not together, in the order of the file. */
function brokenBlocks(lines: readonly string[]): number[] {
  const broken = new Set<number>();
  for (let i = 0; i < lines.length; i += 3) {
    const ids = lines.slice(i, i + 3).map((line) => Number(/^task (\d+)/.exec(line)?.[1]));
    if (ids.length !== 3 || ids.some((id) => id !== ids[0])) for (const id of ids) broken.add(id);
  }
  return [...broken];
}

if (isMain(import.meta)) {
  const backend = process.argv.includes('--thread') ? 'thread' : 'process';
  const dir = await mkdtemp(join(tmpdir(), 'multipool-lock-'));
  try {
    const file = join(dir, 'log.txt');
    const lock = new Lock();
    {
      await using pool = new Pool({ processes: WORKERS, backend, initializer: task(import.meta.url, init), initargs: [lock] });
      const ids = Array.from({ length: 2 * TASKS_PER_STYLE }, (_, id) => id);
      await Promise.all(ids.map((id) => pool.apply(task(import.meta.url, id % 2 === 0 ? func1 : func2), [file, id])));
    }
    const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
    for (const line of lines) console.log(line);
    const broken = brokenBlocks(lines);
    console.log(broken.length === 0 ? `${lines.length / 3} tasks on ${WORKERS} workers: every task's lines are together` : `interleaved: tasks ${broken.join(', ')}`);
    console.log(`lock held at the end: ${await lock.locked()}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
