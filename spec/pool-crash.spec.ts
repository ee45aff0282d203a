/** Crash containment: a worker that dies mid-task never hangs anything; its tasks reject and it is replaced. */
import { task, WorkerLostError } from 'multipool';

import { exhaustHeap, exitWith, killSelf, throwLater } from './fixtures/tasks.js';
import { makePool, range } from './support/helpers.js';
import { crashReport, expectStderr, HEAP_LIMIT } from './support/stderr.js';

const tasks = new URL('./fixtures/tasks.ts', import.meta.url);

// `processStderr`: the report a dying child process prints (a thread's death is reported to us instead).
const CRASHES = [
  { name: 'process.exit(3)', backends: ['process', 'thread'], fn: task(tasks, exitWith), args: [3], expect: /exited with code 3/, processStderr: [] },
  { name: 'SIGKILL of the worker', backends: ['process'], fn: task(tasks, killSelf), args: [], expect: /killed by signal SIGKILL/, processStderr: [] },
  {
    name: 'an uncaught error in a timer',
    backends: ['process', 'thread'],
    fn: task(tasks, throwLater),
    args: [],
    expect: /exited with code 1/,
    processStderr: [crashReport('thrown in a timer')],
  },
  {
    name: 'running out of heap',
    backends: ['process', 'thread'],
    fn: task(tasks, exhaustHeap),
    args: [],
    expect: /exited with code|killed by signal/,
    processStderr: [HEAP_LIMIT],
  },
] as const;

describe.each(CRASHES.flatMap((crash) => crash.backends.map((backend) => [backend, crash] as const)))('%s backend', (backend, crash) => {
  test(`${crash.name} mid-task rejects with WorkerLostError, the worker is replaced, the next map succeeds`, () =>
    expectStderr(backend === 'process' ? crash.processStderr : [], async () => {
      await using pool = makePool(backend, { processes: 2, resourceLimits: { maxOldGenerationSizeMb: 64 } });
      const exits: unknown[] = [];
      pool.on('workerExit', (event) => exits.push(event));
      const error = (await pool.apply(crash.fn as (...args: unknown[]) => unknown, [...crash.args]).catch((e: unknown) => e)) as WorkerLostError;
      expect(error).toBeInstanceOf(WorkerLostError);
      expect(error.code).toBe('ERR_WORKER_LOST');
      expect(error.message).toMatch(crash.expect);
      expect(error.message).toMatch(/input item 0/);
      expect(error.exitCode !== null || error.signal !== null).toBe(true);
      expect(exits).toHaveLength(1);
      expect(await pool.map((x: number) => x * 2, range(10))).toEqual(range(10).map((x) => x * 2));
    }));
});

test('a crash fails only what the dead worker held; other work settles and the pool serves on', async () => {
  await using pool = makePool('process', 2);
  const mixed = pool.map((x: number) => x, range(8), 1);
  await expect(pool.apply(task(tasks, exitWith), [5])).rejects.toThrow(/exited with code 5/);
  // Chunks queued at the dead worker fail with it (nothing is run twice); the rest of the map still completes.
  const outcome = await mixed.then(
    (values) => values,
    (error: unknown) => error,
  );
  if (outcome instanceof Error) expect(outcome).toBeInstanceOf(WorkerLostError);
  else expect(outcome).toEqual(range(8));
  expect(await pool.map((x: number) => x + 1, range(8))).toEqual(range(8).map((x) => x + 1));
});

test('process.exit() in a ThreadPool task does not take the host process down', async () => {
  await using pool = makePool('thread', 1);
  await expect(pool.apply(task(tasks, exitWith), [0])).rejects.toBeInstanceOf(WorkerLostError);
  expect(await pool.apply(() => 'still here')).toBe('still here');
});
