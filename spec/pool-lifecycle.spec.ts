/** close / join / terminate, initializer, maxTasksPerChild and the pool's misuse errors, on every backend. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { ApplyResult, IMapIterator, MapResult } from 'multipool';
import { BrokenProcessPool, BrokenThreadPool, CancelledError, InvalidStateError, task } from 'multipool';

import { failInit, waitForever, whoAmI } from './fixtures/tasks.js';
import { BACKENDS, eventually, makePool, range, withinSeconds, workerChildren } from './support/helpers.js';

const fixtures = new URL('./fixtures/', import.meta.url);

describe.each(BACKENDS)('%s backend', (backend) => {
  test('close() lets queued work finish, then join() resolves and no worker remains', async () => {
    const pool = makePool(backend);
    const pending = pool.map((x: number) => x + 1, range(100), 1);
    pool.close();
    expect(await pending).toEqual(range(100).map((x) => x + 1));
    await pool.join();
    expect(workerChildren()).toEqual([]);
  });

  test('join() before close() rejects with "Pool is still running"', async () => {
    await using pool = makePool(backend);
    await expect(pool.join()).rejects.toThrow(/Pool is still running/);
  });

  test('every submission after close() or terminate() fails with "Pool not running"', async () => {
    const pool = makePool(backend);
    pool.close();
    expect(() => pool.applyAsync(() => 1)).toThrow(InvalidStateError);
    expect(() => pool.imap((x: number) => x, [1])).toThrow(/Pool not running/);
    await expect(pool.map((x: number) => x, [1])).rejects.toThrow(/Pool not running/);
    await pool.terminate();
    await expect(pool.apply(() => 1)).rejects.toThrow(/Pool not running/);
  });

  test('terminate() with 10,000 pending tasks returns quickly; every result rejects with CancelledError', async () => {
    const pool = makePool(backend);
    const slow = task(new URL('tasks.ts', fixtures), waitForever);
    const results = range(10_000).map(() => pool.applyAsync(slow));
    const started = Date.now();
    await pool.terminate();
    expect(Date.now() - started).toBeLessThan(2000);
    const settled = await Promise.allSettled(results.map((r) => r.get()));
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof CancelledError)).toBe(true);
    expect(workerChildren()).toEqual([]);
    await pool.join();
  });

  test('initializer(...initargs) runs once in every worker before its first task', async () => {
    await using pool = makePool(backend, {
      processes: 2,
      initializer: (value: string) => {
        const state = globalThis as { initCount?: number; initValue?: string };
        state.initCount = (state.initCount ?? 0) + 1;
        state.initValue = value;
      },
      initargs: ['ready'],
    });
    const seen = await pool.map(() => {
      const state = globalThis as { initCount?: number; initValue?: string };
      return `${state.initValue}:${state.initCount}`;
    }, range(20), 1);
    // The async backend shares one global scope, so its count is the number of workers.
    expect(new Set(seen)).toEqual(new Set([backend === 'async' ? 'ready:2' : 'ready:1']));
  });

  test('an initializer that throws breaks the pool: outstanding and later work fail with the Broken class', async () => {
    const Broken = backend === 'process' ? BrokenProcessPool : BrokenThreadPool;
    await using pool = makePool(backend, { processes: 2, initializer: task(new URL('tasks.ts', fixtures), failInit) });
    const error = (await pool.map((x: number) => x, range(10)).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Broken);
    expect(error.message).toMatch(/initializer failed/);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect((error.cause as Error).message).toBe('initializer refused');
    expect(() => pool.applyAsync(() => 1)).toThrow(Broken);
    expect(await eventually(() => workerChildren().length === 0)).toBe(true);
  });

  test('await using finishes the work still outstanding at the end of the block, then stops the workers', async () => {
    let applied: ApplyResult<number>;
    let mapped: MapResult<number>;
    {
      await using pool = makePool(backend);
      applied = pool.applyAsync(() => 42);
      mapped = pool.mapAsync((x: number) => x * 2, range(10), 1);
    }
    expect(await applied.get()).toBe(42);
    expect(await mapped.get()).toEqual(range(10).map((x) => x * 2));
    expect(workerChildren()).toEqual([]);
  });

  test('an imap returned from an await using block still gives every result', async () => {
    async function doubled(): Promise<IMapIterator<number>> {
      await using pool = makePool(backend);
      return pool.imap((x: number) => x * 2, range(5));
    }
    const out: number[] = [];
    for await (const x of await doubled()) out.push(x);
    expect(out).toEqual(range(5).map((x) => x * 2));
  });

  test('await using ends an imap left half-read over an infinite input instead of waiting for it', async () => {
    function* naturals(): Generator<number> {
      for (let i = 0; ; i++) yield i;
    }
    const pool = makePool(backend);
    const items = pool.imap((x: number) => x, naturals());
    expect(await items.next()).toEqual({ done: false, value: 0 });
    await withinSeconds(30, pool[Symbol.asyncDispose](), 'dispose with a half-read imap');
    expect(workerChildren()).toEqual([]);
    // What was computed can still be read; then the iterator says why it ended.
    const error = await (async () => {
      for (let i = 1; ; i++) {
        const step = await items.next();
        expect(step).toEqual({ done: false, value: i });
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toMatch(/was not read to its end/);
  });

  test('maxTasksPerChild replaces a worker after that many tasks', async () => {
    await using pool = makePool(backend, { processes: 1, maxTasksPerChild: 2 });
    let started = 0;
    pool.on('workerStart', () => started++);
    const ids = await pool.map(task(new URL('tasks.ts', fixtures), whoAmI), range(6), 1);
    expect(started).toBeGreaterThanOrEqual(2);
    if (backend === 'process') expect(new Set(ids.map((id) => id.pid)).size).toBe(3);
    if (backend === 'thread') expect(new Set(ids.map((id) => id.threadId)).size).toBe(3);
  });
});

test('`await using pool` + `return pool.map(…)` returns the results and exits with code 0', () => {
  const script = fileURLToPath(new URL('dispose-returns-map.ts', fixtures));
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
  expect(run.error).toBeUndefined();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe('[2,4,6]');
});

test('a script that never closes its pool still exits with code 0 once its work is done', () => {
  const script = fileURLToPath(new URL('forgets-close.ts', fixtures));
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 15_000 });
  expect(run.error).toBeUndefined();
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(String(range(100).reduce((a, x) => a + x * x, 0)));
});
