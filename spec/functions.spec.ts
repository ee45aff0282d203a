/** Shipping functions to workers: inline source, module tasks (TypeScript under tsx, plain JS), and the guards. */
import crypto from 'node:crypto';

import { isWorker, task } from 'multipool';

import { addOffset, greet, inWorker, setGreeting } from './fixtures/tasks.js';
import { BACKENDS, makePool } from './support/helpers.js';

const fixtures = new URL('./fixtures/', import.meta.url);

/** A module-level name that a test's nested function shadows, so tsx compiles that one as `inner2`. */
export function inner(x: number): number {
  return x;
}

describe.each(['process', 'thread'] as const)('%s backend', (backend) => {
  test('an inline function that uses an outer variable fails with a message that says how to fix it', async () => {
    await using pool = makePool(backend);
    const factor = 3;
    const error = (await pool.map((x: number) => x * factor, [1]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ReferenceError);
    expect(error.message).toContain('factor is not defined');
    expect(error.message).toContain('cannot capture variables');
    expect(error.message).toContain('task(import.meta.url, fn)');
  });

  test('a captured name that tsx renamed is reported as written (inner, not inner2)', async () => {
    await using pool = makePool(backend);
    function inner(x: number): number {
      return x + 1;
    }
    expect(inner(1)).toBe(2);
    const error = (await pool.map((x: number) => inner(x), [1]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ReferenceError);
    expect(error.message).toMatch(/^inner2 is not defined: the inline function uses `inner` \(`inner2` once tsx compiled it\)/);
    expect(error.message).toContain('Pass `inner` as an argument');
  });

  test('an inline function that uses an imported name the worker has as a global gets the capture hint', async () => {
    await using pool = makePool(backend);
    const md5 = (await pool.apply((s: string) => crypto.createHash('md5').update(s).digest('hex'), ['x']).catch((e: unknown) => e)) as Error;
    expect(md5).toBeInstanceOf(TypeError);
    expect(md5.message).toMatch(/^crypto\.createHash is not a function\. The inline function uses `crypto`: in the worker that is the global/);
    expect(md5.message).toContain('task(import.meta.url, fn)');
    // A task's own TypeError keeps its message.
    const own = (await pool
      .apply(() => {
        if (typeof console.log === 'function') throw new TypeError('expected a number');
        return 0;
      })
      .catch((e: unknown) => e)) as Error;
    expect(own.message).toBe('expected a number');
  });

  test('inline functions may declare nested named helpers and use globals', async () => {
    await using pool = makePool(backend);
    const result = await pool.map((x: number) => {
      function square(y: number): number {
        return y * y;
      }
      return Math.max(square(x), JSON.parse('0') as number);
    }, [2, 3]);
    expect(result).toEqual([4, 9]);
  });

  test('a method written in shorthand travels too', async () => {
    await using pool = makePool(backend);
    const helpers = {
      half(x: number): number {
        return x / 2;
      },
    };
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the point of the test: a shorthand method passed as is (it does not use `this`)
    expect(await pool.map(helpers.half, [4, 6])).toEqual([2, 3]);
  });

  test('a TypeScript module task runs with its imports and module helpers (workers inherit tsx)', async () => {
    await using pool = makePool(backend);
    expect(await pool.map(task(new URL('tasks.ts', fixtures), addOffset), [1, 2])).toEqual([1001, 1002]);
    // The wrapper still works locally, with the same types.
    expect(task(new URL('tasks.ts', fixtures), addOffset)(5)).toBe(1005);
  });

  test('a plain JavaScript module task runs by export name', async () => {
    await using pool = makePool(backend);
    const triple = task(new URL('tasks.mjs', fixtures), (_x: number): number => 0, 'triple');
    expect(await pool.map(triple, [1, 2])).toEqual([3, 6]);
  });

  test('a module task whose export is missing fails clearly', async () => {
    await using pool = makePool(backend);
    const missing = task(new URL('tasks.mjs', fixtures), (x: number) => x, 'nope');
    await expect(pool.apply(missing, [1])).rejects.toThrow(/has no exported function named 'nope'/);
  });

  test('isWorker() is false here and true in a worker', async () => {
    await using pool = makePool(backend);
    expect(isWorker()).toBe(false);
    expect(await pool.apply(task(new URL('tasks.ts', fixtures), inWorker))).toBe(true);
  });

  test('a module that creates a pool at import time throws a clear error in the worker instead of recursing', async () => {
    await using pool = makePool(backend);
    const work = task(new URL('unguarded.ts', fixtures), (x: number) => x, 'work');
    const error = (await pool.apply(work, [1]).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/Cannot create a Pool while a worker imports the task module .*unguarded\.ts/);
    expect(error.message).toContain('isMain(import.meta)');
    expect(await pool.apply((x: number) => x + 1, [1])).toBe(2);
  });

  test('an initializer from a module sets state that tasks in that worker see', async () => {
    await using pool = makePool(backend, {
      processes: 2,
      initializer: task(new URL('tasks.ts', fixtures), setGreeting),
      initargs: ['hello'],
    });
    expect(await pool.map(task(new URL('tasks.ts', fixtures), greet), ['a', 'b', 'c'], 1)).toEqual(['hello, a', 'hello, b', 'hello, c']);
  });
});

describe.each(BACKENDS)('%s backend', (backend) => {
  test('a built-in function is refused at the call with a TypeError naming fn', async () => {
    await using pool = makePool(backend);
    if (backend === 'async') {
      // On the event loop nothing travels, so built-ins are fine.
      expect(await pool.map(Math.sqrt, [4, 9])).toEqual([2, 3]);
      return;
    }
    expect(() => pool.mapAsync(Math.sqrt, [4])).toThrow(/`fn` is a built-in or bound function/);
  });
});

test('the async backend runs closures: nothing travels', async () => {
  await using pool = makePool('async');
  const factor = 3;
  expect(await pool.map((x: number) => x * factor, [1, 2])).toEqual([3, 6]);
});
