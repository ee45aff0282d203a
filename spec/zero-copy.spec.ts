/**
 * Zero-copy values: move() transfers buffers and ports to and from worker threads (a child process gets a
 * copy, the event loop the value itself), and shared memory is the same memory on both sides of a thread
 * boundary, while a child process refuses it with a clear error.
 */
import { MessageChannel } from 'node:worker_threads';

import { MaybeEncodingError, move, multiYield, Pool, ProcessPoolExecutor, Queue, task, ThreadPool, ThreadPoolExecutor } from 'multipool';

import {
  addShared,
  doubleAndMoveBack,
  echoDoubled,
  keepShared,
  keptByteLength,
  makeAndCopy,
  makeAndMove,
  makeShared,
  moveMany,
  readShared,
  sum,
} from './fixtures/zero-copy-tasks.js';
import { makePool, withinSeconds } from './support/helpers.js';

const tasks = new URL('./fixtures/zero-copy-tasks.ts', import.meta.url);
/** Every operation here takes well under a second; this only turns a hang into a failure. */
const LIMIT_S = 30;

const halves = (n: number): Float64Array => new Float64Array(n).fill(0.5);
const shared = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));

describe('move() to and from worker threads', () => {
  test('apply() transfers a moved typed array, ArrayBuffer or DataView: the sender’s copy is detached', async () => {
    await using pool = new ThreadPool(1);
    const array = halves(1024);
    const buffer = new ArrayBuffer(16);
    const view = new DataView(new ArrayBuffer(8));
    const got = await withinSeconds(
      LIMIT_S,
      pool.apply((a: Float64Array, b: ArrayBuffer, v: DataView) => [a.reduce((s, x) => s + x, 0), b.byteLength, v.byteLength], [move(array), move(buffer), move(view)]),
      'apply with moved values',
    );
    expect(got).toEqual([512, 16, 8]);
    expect([array.byteLength, array.length, buffer.byteLength, view.buffer.byteLength]).toEqual([0, 0, 0, 0]);
  });

  test('without move() the sender keeps its array (copied, as before)', async () => {
    await using pool = new ThreadPool(1);
    const array = halves(1024);
    expect(await withinSeconds(LIMIT_S, pool.apply(task(tasks, sum), [array]), 'apply')).toBe(512);
    expect(array.byteLength).toBe(1024 * 8);
  });

  test('a task’s move(result) transfers the result back: the worker’s copy is detached', async () => {
    await using pool = new ThreadPool(1);
    const moved = await withinSeconds(LIMIT_S, pool.apply(task(tasks, makeAndMove), [16]), 'apply');
    expect(moved).toEqual(halves(16));
    expect(await pool.apply(task(tasks, keptByteLength))).toBe(0);
    await pool.apply(task(tasks, makeAndCopy), [16]);
    expect(await pool.apply(task(tasks, keptByteLength))).toBe(16 * 8);
  });

  test('an array moved there and back is worked on in place, with no copy on either side', async () => {
    await using pool = new ThreadPool(1);
    const array = halves(8);
    const back = await withinSeconds(LIMIT_S, pool.apply(task(tasks, doubleAndMoveBack), [move(array)]), 'apply');
    expect(array.byteLength).toBe(0);
    expect(back).toEqual(new Float64Array(8).fill(1));
  });

  test('a small Buffer from Node’s shared pool is copied, not moved: the pool stays whole', async () => {
    await using pool = new ThreadPool(1);
    const small = Buffer.from('pooled');
    expect(await withinSeconds(LIMIT_S, pool.apply((b: Buffer) => b.toString(), [move(small)]), 'apply')).toBe('pooled');
    expect(small.toString()).toBe('pooled');
    const own = Buffer.alloc(64, 1);
    expect(await pool.apply((b: Buffer) => Buffer.isBuffer(b) && b.length, [move(own)])).toBe(64);
    expect(own.length).toBe(0);
  });

  test('an inline task imports move() from the package', async () => {
    await using pool = new ThreadPool(1);
    const back = await withinSeconds(
      LIMIT_S,
      pool.apply(async (n: number) => {
        const { move: moveBack } = await import('multipool');
        return moveBack(new Uint8Array(n).fill(7));
      }, [3]),
      'apply',
    );
    expect(back).toEqual(new Uint8Array([7, 7, 7]));
  });

  test('a moved MessagePort reaches a thread and carries messages both ways', async () => {
    await using pool = new ThreadPool(1);
    const { port1, port2 } = new MessageChannel();
    try {
      await withinSeconds(LIMIT_S, pool.apply(task(tasks, echoDoubled), [move(port2)]), 'apply with a port');
      const answer = new Promise<unknown>((resolve) => port1.once('message', resolve));
      port1.postMessage(21);
      expect(await withinSeconds(LIMIT_S, answer, 'the answer on the moved port')).toBe(42);
    } finally {
      port1.close();
    }
  });

  test('a MessagePort without move() is refused with a TypeError that says to move it', async () => {
    await using pool = new ThreadPool(1);
    const { port1, port2 } = new MessageChannel();
    try {
      await expect(withinSeconds(LIMIT_S, pool.apply(task(tasks, echoDoubled), [port2]), 'apply')).rejects.toThrow(
        /^Cannot send argument 0 to a worker: it is a MessagePort, which a thread can only get by transfer: pass move\(port\)/,
      );
      expect(await pool.apply((x: number) => x + 1, [1])).toBe(2);
    } finally {
      port1.close();
      port2.close();
    }
  });

  test('map() items moved one by one each travel with their own chunk', async () => {
    await using pool = new ThreadPool(2);
    const arrays = [1, 2, 3, 4, 5].map((n) => new Float64Array(100).fill(n));
    const sums = await withinSeconds(LIMIT_S, pool.map(task(tasks, sum), arrays.map((a) => move(a)), 2), 'map');
    expect(sums).toEqual([100, 200, 300, 400, 500]);
    expect(arrays.map((a) => a.byteLength)).toEqual([0, 0, 0, 0, 0]);
  });

  test('a buffer in two items of a map moves with the first: the second fails as detached, the rest run', async () => {
    await using pool = new ThreadPool(1);
    const array = halves(4);
    const results = pool.imap(task(tasks, sum), [move(array), array, halves(2)]);
    await expect(withinSeconds(LIMIT_S, results.next(), 'first item')).resolves.toEqual({ done: false, value: 2 });
    await expect(withinSeconds(LIMIT_S, results.next(), 'second item')).rejects.toThrow(/^Cannot send argument 0 of input item 1 to a worker: .*detached/);
    await expect(withinSeconds(LIMIT_S, results.next(), 'third item')).resolves.toEqual({ done: false, value: 1 });
  });

  test('executor submit() and submitWith() transfer moved arguments', async () => {
    await using executor = new ThreadPoolExecutor(1);
    const first = halves(64);
    const second = halves(32);
    expect(await withinSeconds(LIMIT_S, executor.submit(task(tasks, sum), move(first)).result(), 'submit')).toBe(32);
    expect(await withinSeconds(LIMIT_S, executor.submitWith({ timeout: LIMIT_S }, task(tasks, sum), move(second)).result(), 'submitWith')).toBe(16);
    expect([first.byteLength, second.byteLength]).toEqual([0, 0]);
  });

  test("multiYield() transfers moved items to its threads, and items a generator moves back", async () => {
    const seeds = [1, 2, 3].map((n) => new Float64Array(10).fill(n));
    const sums: number[] = [];
    for await (const total of multiYield(task(tasks, sum), seeds.map((a) => move(a)), { mode: 'thread', workers: 2 })) sums.push(total);
    expect(sums.sort((a, b) => a - b)).toEqual([10, 20, 30]);
    expect(seeds.map((a) => a.byteLength)).toEqual([0, 0, 0]);
    const streamed: Float64Array[] = [];
    for await (const array of multiYield(task(tasks, moveMany), [7], { mode: 'thread', workers: 1 })) streamed.push(array);
    expect(streamed).toEqual([new Float64Array(4).fill(7), new Float64Array(4).fill(7)]);
  });

  test('initargs are never moved: a moved value there is a TypeError at construction', () => {
    expect(() => new ThreadPool({ processes: 1, initializer: task(tasks, keepShared), initargs: [move(halves(4))] })).toThrow(
      /^`initargs` argument 0 cannot be sent to a worker \(an object \(Float64Array\)\): it holds a value marked by move\(\), but initargs go to every worker/,
    );
  });
});

describe('move() on other backends', () => {
  test('a child process gets a copy: the sender’s array stays intact, and the mark is spent', async () => {
    await using pool = makePool('process', 1);
    const array = halves(256);
    expect(await withinSeconds(LIMIT_S, pool.apply(task(tasks, sum), [move(array)]), 'apply')).toBe(128);
    expect(array).toEqual(halves(256));
    const moved = await pool.apply(task(tasks, makeAndMove), [4]);
    expect(moved).toEqual(halves(4));
    expect(await pool.apply(task(tasks, keptByteLength))).toBe(32);
    // The mark went with that message: sent again (to a thread), the array is copied, not moved.
    await using threads = new ThreadPool(1);
    await threads.apply(task(tasks, sum), [array]);
    expect(array.byteLength).toBe(256 * 8);
  });

  test('a value moved into a queue item is copied, and the mark is spent', async () => {
    const queue = new Queue<Float64Array>();
    const array = halves(16);
    await queue.put(move(array));
    expect(await withinSeconds(LIMIT_S, queue.get(), 'get')).toEqual(halves(16));
    await using threads = new ThreadPool(1);
    await threads.apply(task(tasks, sum), [array]);
    expect(array.byteLength).toBe(16 * 8);
  });

  test('a MessagePort cannot go to a child process: a TypeError says to use a ThreadPool', async () => {
    await using pool = makePool('process', 1);
    const { port1, port2 } = new MessageChannel();
    try {
      await expect(withinSeconds(LIMIT_S, pool.apply(task(tasks, echoDoubled), [move(port2)]), 'apply')).rejects.toThrow(
        /^Cannot send argument 0 to a worker: it is a MessagePort, which cannot go to a child process .* Use a ThreadPool/,
      );
    } finally {
      port1.close();
      port2.close();
    }
  });

  test("the 'async' backend passes the moved value itself: no copy, nothing detached, the mark spent", async () => {
    await using pool = makePool('async', 1);
    const array = halves(8);
    expect(await withinSeconds(LIMIT_S, pool.apply((a: Float64Array) => a === array, [move(array)]), 'apply')).toBe(true);
    expect(array.byteLength).toBe(64);
    const made = halves(8);
    expect(await pool.apply(() => move(made))).toBe(made);
    await using threads = new ThreadPool(1);
    await threads.apply(task(tasks, sum), [array]);
    await threads.apply(task(tasks, sum), [made]);
    expect([array.byteLength, made.byteLength]).toEqual([64, 64]);
  });
});

describe('move() refuses what it cannot move', () => {
  test.each([
    ['a number', 3, /^Expected the argument of move\(\) to be an ArrayBuffer, a typed array, a DataView or a MessagePort, got `3` \(number\)/],
    ['a string', 'bytes', /got `"bytes"` \(string\)/],
    ['null', null, /got `null`/],
    ['a plain object', { data: new Uint8Array(1) }, /got an object \(Object\)\. Other values are copied: pass them without move\(\)/],
    ['an array of typed arrays', [new Uint8Array(1)], /got an object \(Array\)/],
    ['a SharedArrayBuffer', new SharedArrayBuffer(4), /^move\(\) got a SharedArrayBuffer, which is shared, never moved/],
    ['a view over shared memory', shared(), /^move\(\) got an Int32Array over a SharedArrayBuffer, which is shared, never moved: pass it as it is/],
  ])('move(%s) is a TypeError naming what it got and what it takes', (_name, value, message) => {
    expect(() => move(value as unknown as ArrayBuffer)).toThrow(TypeError);
    expect(() => move(value as unknown as ArrayBuffer)).toThrow(message);
  });

  test('move() of a buffer already moved away is a TypeError saying it is detached', async () => {
    await using pool = new ThreadPool(1);
    const array = halves(4);
    await withinSeconds(LIMIT_S, pool.apply(task(tasks, sum), [move(array)]), 'apply');
    expect(() => move(array)).toThrow(/^move\(\) got an object \(Float64Array\) whose buffer is detached \(moved away already\)/);
  });
});

describe('SharedArrayBuffer', () => {
  test('passed to a worker thread in arguments, it is the same memory on both sides', async () => {
    await using pool = new ThreadPool(1);
    const view = shared();
    expect(await withinSeconds(LIMIT_S, pool.apply(task(tasks, keepShared), [view]), 'apply')).toBeUndefined();
    expect(await pool.apply(task(tasks, addShared), [5])).toBe(5);
    expect(Atomics.load(view, 0)).toBe(5);
    Atomics.store(view, 0, 40);
    expect(await pool.apply(task(tasks, addShared), [2])).toBe(42);
  });

  test('returned from a worker thread, it is the same memory on both sides', async () => {
    await using pool = new ThreadPool(1);
    const view = await withinSeconds(LIMIT_S, pool.apply(task(tasks, makeShared)), 'apply');
    expect(view.buffer).toBeInstanceOf(SharedArrayBuffer);
    Atomics.store(view, 0, 17);
    expect(await pool.apply(task(tasks, readShared))).toBe(17);
    await pool.apply(task(tasks, addShared), [1]);
    expect(Atomics.load(view, 0)).toBe(18);
  });

  test('in initargs, every worker thread shares it with the main thread', async () => {
    const view = shared();
    await using pool = new ThreadPool({ processes: 2, initializer: task(tasks, keepShared), initargs: [view] });
    await withinSeconds(LIMIT_S, pool.map(task(tasks, addShared), [1, 1, 1, 1, 1, 1], 1), 'map');
    expect(Atomics.load(view, 0)).toBe(6);
  });

  test.each([
    ['a SharedArrayBuffer', (): unknown => new SharedArrayBuffer(8), 'a SharedArrayBuffer'],
    ['a typed array over one', (): unknown => shared(), 'an Int32Array over a SharedArrayBuffer'],
  ])('%s sent to a child process is a TypeError naming the argument and saying to use a ThreadPool', async (_name, make, what) => {
    await using pool = makePool('process', 1);
    const refusal = new RegExp(`^Cannot send argument 1 to a worker: it is ${what}, which a child process cannot share .* Use a ThreadPool`);
    await expect(withinSeconds(LIMIT_S, pool.apply((_a: number, _b: unknown) => 0, [1, make()]), 'apply')).rejects.toThrow(refusal);
    const nested = pool.map((x: unknown) => x, [1, { data: make() }]);
    await expect(withinSeconds(LIMIT_S, nested, 'map')).rejects.toThrow(/^Cannot send argument 0 of input item 1 to a worker: it holds/);
    await using executor = new ProcessPoolExecutor(1);
    await expect(withinSeconds(LIMIT_S, executor.submit((_v: unknown) => 0, make()).result(), 'submit')).rejects.toThrow(TypeError);
    expect(await pool.apply((x: number) => x * 2, [21])).toBe(42);
  });

  test('in the initargs of a process pool it is a TypeError at construction naming the argument', () => {
    expect(() => new Pool({ processes: 1, initializer: task(tasks, keepShared), initargs: [1, shared()] })).toThrow(
      /^`initargs` argument 1 cannot be sent to a worker \(an object \(Int32Array\)\): it is an Int32Array over a SharedArrayBuffer, which a child process cannot share .* Use a ThreadPool/,
    );
    expect(() => new ProcessPoolExecutor({ maxWorkers: 1, initargs: [new SharedArrayBuffer(4)] })).toThrow(/`initargs` argument 0 .* Use a ThreadPool/);
  });

  test('returned from a child process it is a MaybeEncodingError that says why', async () => {
    await using pool = makePool('process', 1);
    const error = await withinSeconds(LIMIT_S, pool.apply(task(tasks, makeShared)).catch((e: unknown) => e), 'apply');
    expect(error).toBeInstanceOf(MaybeEncodingError);
    expect((error as Error).message).toMatch(/it is an Int32Array over a SharedArrayBuffer, which a child process cannot share .* Use a ThreadPool/);
    expect(await pool.apply((x: number) => x * 2, [21])).toBe(42);
  });
});
