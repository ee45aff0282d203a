/** ThreadPoolExecutor and ProcessPoolExecutor: one behaviour suite for both, as concurrent.futures promises it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Executor, ExecutorMapOptions, ProcessPoolExecutorOptions } from 'multipool';
import {
  BrokenExecutor,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  Future,
  InvalidStateError,
  ProcessPoolExecutor,
  RemoteTraceback,
  task,
  ThreadPoolExecutor,
  TimeoutError,
} from 'multipool';

import { exitWith, failInit, killSelf, waitForever } from './fixtures/tasks.js';
import { deferred, eventually, range, withinSeconds, workerChildren } from './support/helpers.js';

const tasks = new URL('./fixtures/tasks.ts', import.meta.url);
/** Never settles; map() passes it an item it ignores. */
const forever: (x?: number) => Promise<never> = task(tasks, waitForever);

/** Workers boot with the tsx loader, which takes a while on a busy machine: waits for them get this long. */
const BOOT_MS = 20_000;

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'multipool-executor-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * A handshake any worker can see, thread or process: tasks wait for a file the test creates. Disposing it
 * opens it, so a failed assertion never leaves a task (and the executor's shutdown) waiting forever.
 */
function fileGate(): { readonly path: string; open(): void; [Symbol.dispose](): void } {
  const path = join(tempDir(), 'open');
  const open = (): void => writeFileSync(path, '');
  return { path, open, [Symbol.dispose]: open };
}

/** Resolves with `value` once the file at `path` exists. Self-contained: it travels to workers as source. */
const untilOpen = (path: string, value: number): Promise<number> =>
  new Promise((resolve) => {
    const fs = process.getBuiltinModule('node:fs');
    const timer = setInterval(() => {
      if (!fs.existsSync(path)) return;
      clearInterval(timer);
      resolve(value);
    }, 5);
  });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Counts `taskStart` events and resolves `reached(n)` once that many chunks went to workers. */
function countTaskStarts(executor: Executor): { readonly count: number; reached(n: number): Promise<void> } {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  executor.on('taskStart', () => {
    count++;
    for (const waiter of waiters) if (count >= waiter.n) waiter.resolve();
  });
  return {
    get count() {
      return count;
    },
    reached(n) {
      const { promise, resolve } = deferred();
      if (count >= n) resolve();
      else waiters.push({ n, resolve });
      return promise;
    },
  };
}

const KINDS = [
  {
    kind: 'thread',
    Executor: ThreadPoolExecutor,
    Broken: BrokenThreadPool,
    defaultWorkers: (): number => Math.min(32, availableParallelism() + 4),
  },
  {
    kind: 'process',
    Executor: ProcessPoolExecutor,
    Broken: BrokenProcessPool,
    defaultWorkers: (): number => availableParallelism(),
  },
] as const;

describe.each(KINDS)('$Executor.name', ({ kind, Executor: ExecutorClass, Broken, defaultWorkers }) => {
  const make = (options: number | ProcessPoolExecutorOptions = 2): Executor => new ExecutorClass(options);

  describe('submit()', () => {
    test('submit() returns a pending Future at once; result() gives the value and done() turns true', async () => {
      await using executor = make();
      const future = executor.submit((x: number) => x * x, 7);
      expect(future).toBeInstanceOf(Future);
      expect(future.done()).toBe(false);
      expect(await future.result()).toBe(49);
      expect(future.done()).toBe(true);
      expect(future.running()).toBe(false);
      expect(future.cancelled()).toBe(false);
      expect(await future.exception()).toBeNull();
      expect(String(future)).toBe('<Future state=finished returned number>');
    });

    test('submit() spreads several arguments of any cloneable kind, or none', async () => {
      await using executor = make();
      const joined = executor.submit((a: number, b: string, c: { n: number[] }, d: Map<string, number>) => `${b}:${a + c.n.length + (d.get('k') ?? 0)}`, 1, 'x', { n: [1, 2] }, new Map([['k', 10]]));
      expect(await joined).toBe('x:13');
      expect(await executor.submit(() => 'no args')).toBe('no args');
    });

    test('submit() awaits an async task function in the worker', async () => {
      await using executor = make();
      const future = executor.submit(async (x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return x + 1;
      }, 1);
      expect(await future).toBe(2);
    });

    test('a task that throws fails its future with its own class and a RemoteTraceback cause; the executor serves on', async () => {
      await using executor = make();
      const future = executor.submit((x: number) => {
        throw new SyntaxError(`bad ${x}`);
      }, 3);
      const error = (await future.exception()) as SyntaxError;
      expect(error).toBeInstanceOf(SyntaxError);
      expect(error.message).toBe('bad 3');
      expect(error.cause).toBeInstanceOf(RemoteTraceback);
      await expect(future.result()).rejects.toBe(error);
      expect(String(future)).toBe('<Future state=finished raised SyntaxError>');
      expect(await executor.submit(() => 'still serving')).toBe('still serving');
    });

    // Python's executors hand a task to an idle worker; a regression here queued the second of two tasks
    // submitted together behind the first on one worker (within the executors' window for tiny calls)
    // while the other worker sat idle. The two tasks meet only if they run at the same time: each marks itself
    // and waits (up to 5 s) for the other's mark.
    test('submit() starts a task on an idle worker instead of queueing it behind a running one', async () => {
      // A fresh executor: the second submit finds no idle worker and starts one of its own (on demand).
      await using executor = make(2);
      const meet = (dir: string, me: string, other: string): Promise<boolean> =>
        new Promise((resolve) => {
          const fs = process.getBuiltinModule('node:fs');
          fs.writeFileSync(`${dir}/${me}`, '');
          const deadline = Date.now() + 5000;
          const timer = setInterval(() => {
            const met = fs.existsSync(`${dir}/${other}`);
            if (!met && Date.now() < deadline) return;
            clearInterval(timer);
            resolve(met);
          }, 5);
        });
      const dir = tempDir();
      const a = executor.submit(meet, dir, 'a', 'b');
      const b = executor.submit(meet, dir, 'b', 'a');
      expect(await Promise.all([a, b])).toEqual([true, true]);
    });
  });

  describe('map()', () => {
    test('map() keeps input order when later items finish first', async () => {
      await using executor = make();
      const delays = [80, 60, 40, 20, 0, 30, 10, 0];
      const results = executor.map(async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return ms;
      }, delays);
      expect(await collect(results)).toEqual(delays);
      const xs = range(500);
      expect(await collect(executor.map((x: number) => x * x, xs))).toEqual(xs.map((x) => x * x));
    });

    test('map() of an empty input yields nothing', async () => {
      await using executor = make();
      expect(await collect(executor.map((x: number) => x, []))).toEqual([]);
    });

    test("map() walks a string like any other iterable, as Python's map does, and names a bad iterable", async () => {
      await using executor = make();
      expect(await collect(executor.map((c: string, n: number) => c.repeat(n), 'abc', [1, 2, 3]))).toEqual(['a', 'bb', 'ccc']);
      expect(() => executor.map((a: number, b: number) => a + b, [1], 42 as unknown as number[])).toThrow(/Expected `iterables\[1\]` to be an iterable or async iterable, got `42` \(number\)/);
    });

    test('map() zips several iterables into arguments, and the shortest one wins', async () => {
      await using executor = make();
      expect(await collect(executor.map((a: number, b: string) => `${b}${a}`, [1, 2, 3, 4], ['a', 'b', 'c']))).toEqual(['a1', 'b2', 'c3']);
      function* naturals(): Generator<number> {
        for (let i = 0; ; i++) yield i;
      }
      async function* tens(): AsyncGenerator<number> {
        yield* [10, 20, 30];
      }
      expect(await collect(executor.map((a: number, b: number, c: string) => `${c}${a * b}`, naturals(), tens(), new Set(['x', 'y', 'z', 'w'])))).toEqual([
        'x0',
        'y20',
        'z60',
      ]);
    });

    test('map() reads a generator and an async iterable', async () => {
      await using executor = make();
      function* gen(): Generator<number> {
        for (let i = 0; i < 50; i++) yield i;
      }
      async function* agen(): AsyncGenerator<number> {
        for (let i = 0; i < 50; i++) {
          if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
          yield i;
        }
      }
      const expected = range(50).map((x) => x + 1);
      expect(await collect(executor.map((x: number) => x + 1, gen()))).toEqual(expected);
      expect(await collect(executor.map((x: number) => x + 1, agen()))).toEqual(expected);
    });

    test('map() with chunksize sends chunks of that many items and keeps input order', async () => {
      await using executor = make();
      const starts = new Set<number>();
      executor.on('taskStart', (event) => starts.add(event.index));
      expect(await collect(executor.map((x: number) => x * 3, range(50), { chunksize: 7 }))).toEqual(range(50).map((x) => x * 3));
      expect([...starts].sort((a, b) => a - b)).toEqual([0, 7, 14, 21, 28, 35, 42, 49]);
    });

    test('map() with buffersize reads at most that many items ahead of what it has yielded', async () => {
      await using executor = make();
      for (const options of [{ buffersize: 3 }, { buffersize: 4, chunksize: 2 }] satisfies ExecutorMapOptions[]) {
        let pulled = 0;
        function* counted(): Generator<number> {
          for (let i = 0; i < 30; i++) {
            pulled++;
            yield i;
          }
        }
        const seen: number[] = [];
        for await (const x of executor.map((n: number) => n * 2, counted(), options)) {
          expect(pulled).toBeLessThanOrEqual(seen.length + 1 + options.buffersize);
          seen.push(x);
        }
        expect(seen).toEqual(range(30).map((x) => x * 2));
      }
    });

    test('map() over an infinite generator with buffersize: take 10, break; the source was pulled at most 10 + buffersize times and returned', async () => {
      await using executor = make();
      let pulled = 0;
      let returned = false;
      function* naturals(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            pulled++;
            yield i;
          }
        } finally {
          returned = true;
        }
      }
      const taken: number[] = [];
      for await (const x of executor.map((n: number) => n * 2, naturals(), { buffersize: 4 })) {
        taken.push(x);
        if (taken.length === 10) break;
      }
      expect(taken).toEqual(range(10).map((x) => x * 2));
      expect(pulled).toBeLessThanOrEqual(14);
      expect(returned).toBe(true);
      expect(await executor.submit((a: number) => a + 1, 1)).toBe(2);
    });

    const failingCases: [string, (xs: number[]) => Iterable<number>, ExecutorMapOptions][] = [
      ['an array, default chunking', (xs) => xs, {}],
      ['an array, chunksize 4 (the failing item mid-chunk)', (xs) => xs, { chunksize: 4 }],
      ['an array, chunksize 1', (xs) => xs, { chunksize: 1 }],
      ['a generator, automatic chunks', (xs) => xs.values(), {}],
    ];
    test.each(failingCases)('map() over %s with a failing item yields every earlier result, then throws that item\'s own error', async (_name, input, options) => {
      await using executor = make();
      const results = executor.map(
        (x: number) => {
          if (x === 6) throw new RangeError(`bad ${x}`);
          return x * 10;
        },
        input(range(12)),
        options,
      );
      const seen: number[] = [];
      const error = await (async () => {
        for (;;) {
          const step = await results.next();
          if (step.done) return null;
          seen.push(step.value);
        }
      })().catch((e: unknown) => e);
      expect(seen).toEqual([0, 10, 20, 30, 40, 50]);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe('bad 6');
      expect((error as RangeError).cause).toBeInstanceOf(RemoteTraceback);
      // What next() gives after the error is checked below: it depends on whether later chunks finished first.
      await results.return?.();
      expect(await executor.submit(() => 'serves on')).toBe('serves on');
    });

    // Python's map() ends at the failed item. Here, when a later chunk finished before the failing one, its results
    // still come out after the error (IMapIterator.settle keeps emitting queued chunks after #endAfterOutput).
    // The failing item waits until the main side has received the chunk after it, so that order is certain.
    test('map() yields nothing after the failed item\'s error, even when later chunks finished first', async () => {
      await using executor = make(2);
      using gate = fileGate();
      executor.on('taskDone', (event) => {
        if (event.index === 8) gate.open();
      });
      const failSixLate = (x: number, gatePath: string): number | Promise<number> => {
        if (x !== 6) return x * 10;
        return new Promise((_resolve, reject) => {
          const fs = process.getBuiltinModule('node:fs');
          const deadline = Date.now() + 10_000;
          const timer = setInterval(() => {
            if (!fs.existsSync(gatePath) && Date.now() < deadline) return;
            clearInterval(timer);
            reject(new RangeError('bad 6'));
          }, 5);
        });
      };
      const results = executor.map(failSixLate, range(12), range(12).map(() => gate.path), { chunksize: 4 });
      const seen: number[] = [];
      const error = await (async () => {
        for (;;) {
          const step = await results.next();
          if (step.done) return null;
          seen.push(step.value);
        }
      })().catch((e: unknown) => e);
      expect(seen).toEqual([0, 10, 20, 30, 40, 50]);
      expect(error).toBeInstanceOf(RangeError);
      expect(await results.next()).toEqual({ done: true, value: undefined });
    });

    test('map() with a timeout rejects with TimeoutError when a result is not ready in time', async () => {
      await using executor = make();
      const results = executor.map(forever, [1, 2], { timeout: 0.2 });
      const error = (await results.next().catch((e: unknown) => e)) as TimeoutError;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.code).toBe('ERR_TIMEOUT');
    });

    test('map() timeout counts from the map() call: the results ready in time come first, then TimeoutError', async () => {
      await using executor = make(1);
      expect(await executor.submit(() => 'warm')).toBe('warm');
      const results = executor.map((x: number) => (x < 2 ? x : new Promise<number>(() => {})), range(4), { timeout: 2 });
      expect(await results.next()).toEqual({ done: false, value: 0 });
      expect(await results.next()).toEqual({ done: false, value: 1 });
      await expect(results.next()).rejects.toBeInstanceOf(TimeoutError);
    });
  });

  describe('shutdown() and cancel()', () => {
    test('shutdown() waits for every submitted future, is idempotent, and leaves no worker behind', async () => {
      const executor = make();
      const futures = range(6).map((i) => executor.submit((x: number) => x * 2, i));
      await Promise.all([executor.shutdown(), executor.shutdown()]);
      expect(futures.every((f) => f.done())).toBe(true);
      expect(await Promise.all(futures)).toEqual(range(6).map((x) => x * 2));
      await executor.shutdown();
      await executor.shutdown({ wait: false });
      expect(workerChildren()).toEqual([]);
    });

    test('submit() and map() after shutdown() throw "cannot schedule new futures after shutdown"', async () => {
      const executor = make();
      const closing = executor.shutdown({ wait: false });
      expect(() => executor.submit(() => 1)).toThrow(InvalidStateError);
      expect(() => executor.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
      expect(() => executor.map((x: number) => x, [1])).toThrow('cannot schedule new futures after shutdown');
      await closing;
      await executor.shutdown();
      expect(() => executor.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
    });

    test('`await using` shuts the executor down at the end of the block, after its work is done', async () => {
      let escaped: Executor | undefined;
      let future: Future<number> | undefined;
      {
        await using executor = make(1);
        escaped = executor;
        future = executor.submit((x: number) => x * 3, 5);
      }
      expect(future.done()).toBe(true);
      expect(await future).toBe(15);
      expect(() => escaped.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
      expect(workerChildren()).toEqual([]);
    });

    test('`await using` ends a map() left half-read over an infinite input instead of waiting for it', async () => {
      function* naturals(): Generator<number> {
        for (let i = 0; ; i++) yield i;
      }
      const executor = make(2);
      const items = executor.map((x: number) => x, naturals());
      expect(await items.next()).toEqual({ done: false, value: 0 });
      await withinSeconds(30, executor[Symbol.asyncDispose](), 'dispose with a half-read map');
      expect(workerChildren()).toEqual([]);
      const error = await (async () => {
        for (;;) if ((await items.next()).done) return 'ended without an error';
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toMatch(/was not read to its end/);
    });

    test('shutdown({ cancelFutures: true }) cancels the queued futures and lets the running ones finish', async () => {
      await using executor = make(1);
      using gate = fileGate();
      const sent = countTaskStarts(executor);
      const first = executor.submit(untilOpen, gate.path, 1);
      const second = executor.submit(untilOpen, gate.path, 2);
      const queued = [3, 4, 5].map((v) => executor.submit((x: number) => x, v));
      await sent.reached(1);
      // The one worker holds one or two tasks (they arrive together, so both are counted by now):
      // `second` may be running or queued; the last three are queued either way.
      const secondRunning = second.running();
      expect(sent.count).toBe(secondRunning ? 2 : 1);
      expect(first.running()).toBe(true);
      expect(queued.map((f) => f.running() || f.done())).toEqual([false, false, false]);
      const closing = executor.shutdown({ cancelFutures: true });
      expect(queued.map((f) => f.cancelled())).toEqual([true, true, true]);
      expect(first.cancelled()).toBe(false);
      expect(second.cancelled()).toBe(!secondRunning);
      gate.open();
      await closing;
      expect(await first).toBe(1);
      if (secondRunning) expect(await second).toBe(2);
      else await expect(second.result()).rejects.toBeInstanceOf(CancelledError);
      for (const future of queued) await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
      expect(sent.count).toBe(secondRunning ? 2 : 1);
    });

    test('cancel() on a queued future returns true and its task never runs', async () => {
      await using executor = make(1);
      using gate = fileGate();
      const sent = countTaskStarts(executor);
      const running = [executor.submit(untilOpen, gate.path, 1), executor.submit(untilOpen, gate.path, 2)];
      const victim = executor.submit((x: number) => x, 3);
      const after = executor.submit((x: number) => x, 4);
      // The worker holds the first one or two; `victim` is queued behind them either way.
      await sent.reached(1);
      expect(victim.running()).toBe(false);
      expect(victim.cancel()).toBe(true);
      expect(victim.cancelled()).toBe(true);
      expect(victim.done()).toBe(true);
      expect(victim.cancel()).toBe(true);
      await expect(victim.result()).rejects.toBeInstanceOf(CancelledError);
      gate.open();
      expect(await after).toBe(4);
      expect(await Promise.all(running)).toEqual([1, 2]);
      expect(sent.count).toBe(3);
      expect(victim.cancelled()).toBe(true);
    });

    test('cancel() on a running future returns false and it runs to its result', async () => {
      await using executor = make(1);
      using gate = fileGate();
      const sent = countTaskStarts(executor);
      const future = executor.submit(untilOpen, gate.path, 7);
      await sent.reached(1);
      expect(future.running()).toBe(true);
      expect(future.cancel()).toBe(false);
      expect(future.cancelled()).toBe(false);
      gate.open();
      expect(await future).toBe(7);
      expect(future.cancel()).toBe(false);
    });

    if (kind === 'process') {
      // CPython marks a call running once it enters the call queue (max_workers + 1 long) that its workers take
      // from: at most 2 × max_workers + 1 are running. Tiny calls wait at busy children here, running from then on.
      test('tiny calls streaming through have at most 2 × maxWorkers + 1 futures running at once, and reach it, as in Python', async () => {
        await using executor = make(2);
        const echo = (x: number): number => x;
        const started = new Promise<void>((resolve) => {
          let count = 0;
          executor.on('workerStart', () => {
            if (++count === 2) resolve();
          });
        });
        // Answered calls teach the engine that echo is tiny; both workers start.
        expect(await Promise.all(range(20).map((i) => executor.submit(echo, i)))).toEqual(range(20));
        await started;
        const futures = range(1000).map((i) => executor.submit(echo, i));
        let most = 0;
        executor.on('taskStart', () => {
          let running = 0;
          for (const future of futures) if (future.running()) running++;
          most = Math.max(most, running);
        });
        expect(await Promise.all(futures)).toEqual(range(1000));
        // The queue fills at the first dispatch, before any answer is back: exactly Python's bound, never more.
        expect(most).toBe(2 * 2 + 1);
      });
    }
  });

  describe('construction', () => {
    test.each([0, -1, 1.5, Number.NaN])('maxWorkers %p is a RangeError', (maxWorkers) => {
      expect(() => new ExecutorClass(maxWorkers)).toThrow(RangeError);
      expect(() => new ExecutorClass({ maxWorkers })).toThrow(/Expected `maxWorkers` to be a positive integer/);
    });

    test('maxWorkers defaults as in Python and can be given as a number or an option', async () => {
      {
        await using executor = new ExecutorClass();
        expect(executor.maxWorkers).toBe(defaultWorkers());
      }
      await using three = new ExecutorClass(3);
      expect(three.maxWorkers).toBe(3);
      await using one = new ExecutorClass({ maxWorkers: 1 });
      expect(one.maxWorkers).toBe(1);
    });

    test('initializer(...initargs) sets a global that tasks in every worker see', async () => {
      await using executor = make({
        maxWorkers: 2,
        initializer: (greeting: string, punctuation: string) => {
          (globalThis as { greeting?: string }).greeting = `${greeting}${punctuation}`;
        },
        initargs: ['hello', '!'],
      });
      const greetings = await Promise.all(range(8).map((i) => executor.submit((n: number) => `${(globalThis as { greeting?: string }).greeting} ${n}`, i)));
      expect(greetings).toEqual(range(8).map((i) => `hello! ${i}`));
    });

    test(`a failing initializer rejects every future with its own ${Broken.name}, and later submit() throws it`, async () => {
      await using executor = make({ maxWorkers: 2, initializer: task(tasks, failInit) });
      const futures = range(5).map((i) => executor.submit((x: number) => x, i));
      const errors = (await Promise.all(futures.map((f) => f.exception()))) as Error[];
      for (const error of errors) {
        expect(error).toBeInstanceOf(Broken);
        expect(error).toBeInstanceOf(BrokenExecutor);
        expect(error.message).toMatch(/initializer failed/);
        expect(error.cause).toBeInstanceOf(RangeError);
        expect((error.cause as Error).message).toBe('initializer refused');
      }
      expect(new Set(errors).size).toBe(errors.length);
      expect(() => executor.submit((x: number) => x, 1)).toThrow(Broken);
      expect(await eventually(() => workerChildren().length === 0)).toBe(true);
    });
  });

  describe('a worker that dies', () => {
    const crashes: { name: string; fn: (...args: number[]) => unknown; args: number[]; expect: RegExp }[] = [
      { name: 'process.exit(3)', fn: task(tasks, exitWith), args: [3], expect: /exited with code 3/ },
      ...(kind === 'process' ? [{ name: 'SIGKILL', fn: task(tasks, killSelf), args: [], expect: /killed by signal SIGKILL/ }] : []),
    ];

    test.each(crashes)(`$name mid-task breaks the executor: every pending and running future rejects with its own ${Broken.name}`, async (crash) => {
      await using executor = make(2);
      const sent = countTaskStarts(executor);
      const dying = executor.submit(crash.fn, ...crash.args);
      // Calls not measured to be tiny go one to a worker: two are held, the other four still pending when the worker dies.
      const others = range(5).map(() => executor.submit(forever));
      const futures = [dying, ...others];
      const errors = (await Promise.all(futures.map((f) => f.exception()))) as Error[];
      for (const error of errors) {
        expect(error).toBeInstanceOf(Broken);
        expect(error).toHaveProperty('code', kind === 'process' ? 'ERR_BROKEN_PROCESS_POOL' : 'ERR_BROKEN_THREAD_POOL');
        expect(error.message).toMatch(/terminated abruptly/);
        expect(error.message).toMatch(crash.expect);
      }
      expect(new Set(errors).size).toBe(futures.length);
      expect(sent.count).toBeLessThanOrEqual(2);
      expect(() => executor.submit(() => 1)).toThrow(Broken);
      expect(() => executor.map((x: number) => x, [1])).toThrow(Broken);
      expect(await eventually(() => workerChildren().length === 0)).toBe(true);
    });

    if (kind === 'thread') {
      test('process.exit() in a ThreadPoolExecutor task breaks only the executor: the host process lives on', async () => {
        {
          await using executor = make(1);
          const error = await executor.submit(task(tasks, exitWith), 0).exception();
          expect(error).toBeInstanceOf(BrokenThreadPool);
          expect((error as Error).message).toMatch(/terminated abruptly.*exited with code 0/);
        }
        await using fresh = make(1);
        expect(await fresh.submit(() => 'still here')).toBe('still here');
      });
    }
  });

  test('workerStart, taskStart and taskDone events fire', async () => {
    await using executor = make(2);
    const workers: { id: number; pid?: number; threadId?: number }[] = [];
    const events: string[] = [];
    executor.on('workerStart', (event) => workers.push(event));
    executor.on('taskStart', (event) => events.push(`start ${event.index}`));
    executor.on('taskDone', (event) => events.push(`done ${event.index}`));
    expect(await executor.submit((x: number) => x + 1, 1)).toBe(2);
    expect(events).toEqual(['start 0', 'done 0']);
    // Workers start on demand: one task started one; two at once need a second.
    expect(workers.length).toBe(1);
    expect(await Promise.all([executor.submit((x: number) => x, 1), executor.submit((x: number) => x, 2)])).toEqual([1, 2]);
    expect(await eventually(() => workers.length === 2, BOOT_MS)).toBe(true);
    expect(new Set(workers.map((w) => w.id)).size).toBe(2);
    for (const worker of workers) {
      if (kind === 'thread') expect(typeof worker.threadId).toBe('number');
      else expect(worker.pid).not.toBe(process.pid);
    }
  });
});
