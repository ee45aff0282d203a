/**
 * Python's scheduling (API.md, "Scheduling"): a task never waits behind another task on a busy worker while
 * a worker could run it, so completion order, the first error and `asCompleted` order are what a Python user
 * sees. The tasks meet through marks in a directory (spec/fixtures/handshake-tasks.ts): a task queued behind
 * the one it waits for gives up after LIMIT_MS and says so, instead of hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Executor } from 'multipool';
import { asCompleted, ProcessPoolExecutor, task, ThreadPoolExecutor } from 'multipool';

import type { Role } from './fixtures/handshake-tasks.js';
import { barrierThenChain, mark, scheduled, whoAmI } from './fixtures/handshake-tasks.js';
import { BACKENDS, makePool, withinSeconds } from './support/helpers.js';

const tasks = new URL('./fixtures/handshake-tasks.ts', import.meta.url);
/** How long a task waits for its partner before it gives up (a wrong schedule, or a very slow machine). */
const LIMIT_MS = 20_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'multipool-schedule-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function items(...roles: Role[]): [string, Role, number][] {
  return roles.map((role) => [dir, role, LIMIT_MS]);
}

describe.each(BACKENDS)('%s backend', (backend) => {
  if (backend !== 'async') {
    test('calls made one after another stay on the child process that answered last, and rotate over worker threads', async () => {
      await using pool = makePool(backend, 2);
      const bothStarted = new Promise<void>((resolve) => {
        let started = 0;
        pool.on('workerStart', () => {
          if (++started === 2) resolve();
        });
      });
      await withinSeconds(20, bothStarted, 'both workers starting');
      const workers: string[] = [];
      for (let i = 0; i < 20; i++) workers.push(await pool.apply(task(tasks, whoAmI), []));
      if (backend === 'process') {
        expect(new Set(workers).size).toBe(1);
      } else {
        expect(new Set(workers).size).toBe(2);
        expect(workers.every((worker, i) => i === 0 || worker !== workers[i - 1])).toBe(true);
      }
    });
  }

  test('imapUnordered() on a fresh pool runs a quick item beside a slow one, so the quick one comes first', async () => {
    await using pool = makePool(backend, 3);
    const seen: string[] = [];
    for await (const label of pool.imapUnordered(task(tasks, scheduled), items('slow', 'quick'))) {
      seen.push(label);
      // The slow item finishes only once the test has seen the quick one.
      if (label === 'quick') mark(dir, 'seen-quick');
    }
    expect(seen).toEqual(['quick', 'slow']);
  });

  test('map() on a fresh pool rejects with the error that happened first, not one queued behind a slow item', async () => {
    await using pool = makePool(backend, 3);
    // Item 4 fails only once the test has seen item 1 done (or after 5 s, if item 1 waits behind the slow one).
    pool.on('taskDone', ({ index }) => {
      if (index === 1) mark(dir, 'seen-1');
    });
    const error = (await pool.map(task(tasks, scheduled), items('slow', 'fail-now', 'ok', 'ok', 'fail-later')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('fail-now');
  });
});

describe.each([
  ['ThreadPoolExecutor', (n: number): Executor => new ThreadPoolExecutor(n)],
  ['ProcessPoolExecutor', (n: number): Executor => new ProcessPoolExecutor(n)],
] as const)('%s', (_name, make) => {
  test('a fresh executor starts a worker per submitted task up to maxWorkers, so four tasks run at once', async () => {
    await using executor = make(5);
    const pages = [3, 1, 4, 2];
    const futures = pages.map((page) => executor.submit(task(tasks, barrierThenChain), dir, page, pages.length, LIMIT_MS));
    // Caller k finishes only once the test has seen caller k - 1 finish: the order is 1, 2, 3, 4 by design,
    // and every caller returns without giving up only if all four ran at the same time.
    futures.forEach((future, i) => {
      future.addDoneCallback(() => mark(dir, `seen-${pages[i]}`));
    });
    const order: string[] = [];
    for await (const future of asCompleted(futures)) order.push(await future.result());
    expect(order).toEqual(['1', '2', '3', '4']);
  });
});
