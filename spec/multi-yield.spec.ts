/**
 * multiYield (seed 000's `multi_yield`): every item comes out, the source stays a
 * bounded distance ahead, a slow consumer sets the pace, and leaving the loop
 * any way (break, return, a thrown error, an error from `fn`) releases the
 * workers and closes the source — in every mode.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { MultiYieldMode } from 'multipool';
import { multiYield, RemoteTraceback } from 'multipool';

import { BACKENDS, eventually, range, workerChildren } from './support/helpers.js';

const MODES: readonly MultiYieldMode[] = BACKENDS;
const MB = 1024 * 1024;
const EXAMPLE = fileURLToPath(new URL('../examples/multi-yield.ts', import.meta.url));

/** OS threads of this process: a worker thread adds some, and they go when it is released. */
function osThreads(): number {
  return readdirSync('/proc/self/task').length;
}
/**
 * What ran before each test: jest-light-runner may run several spec files in one process, so a
 * test only answers for the worker processes and threads it started itself.
 */
let before = { children: new Set<number>(), threads: 0 };
beforeEach(() => {
  before = { children: new Set(workerChildren()), threads: osThreads() };
});

function newWorkerChildren(): number[] {
  return workerChildren().filter((pid) => !before.children.has(pid));
}

setFlagsFromString('--expose-gc');
/** A real `gc()` even without `--expose-gc` on the command line, so heap deltas measure what is retained. */
const gc = runInNewContext('gc') as () => void;

/** An endless (or `limit`-long) source of 0, 1, 2, … that counts what it handed out and its `return()` calls. */
class Naturals implements IterableIterator<number> {
  pulled = 0;
  returned = 0;
  onPull: () => void = () => {};

  constructor(readonly limit = Infinity) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<number> {
    if (this.pulled >= this.limit) return { done: true, value: undefined };
    const value = this.pulled++;
    this.onPull();
    return { done: false, value };
  }

  return(): IteratorResult<number> {
    this.returned++;
    return { done: true, value: undefined };
  }
}

/** The same, as an async iterable whose `next()` settles on a later tick. */
class AsyncNaturals implements AsyncIterableIterator<number> {
  readonly #sync = new Naturals();

  get pulled(): number {
    return this.#sync.pulled;
  }

  get returned(): number {
    return this.#sync.returned;
  }

  set onPull(hook: () => void) {
    this.#sync.onPull = hook;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<number>> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.#sync.next();
  }

  async return(): Promise<IteratorResult<number>> {
    return this.#sync.return();
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`, or a rejection naming `what` after `seconds`: a hang fails with a message instead of a jest timeout. */
async function within<T>(seconds: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${seconds} s: the stream stalled`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The API's promise: every resource is released within a second of leaving the loop. */
async function expectReleased(mode: MultiYieldMode): Promise<void> {
  if (mode === 'process') expect(await eventually(() => newWorkerChildren().length === 0, 1000)).toBe(true);
  if (mode === 'thread') expect(await eventually(() => osThreads() <= before.threads, 1000)).toBe(true);
}

/** Live worker processes (tinypool's entry, not zombies) whose environment holds `MULTIPOOL_SPEC_TAG=<tag>`. */
function taggedProcesses(tag: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (!readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('tinypool')) continue;
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`MULTIPOOL_SPEC_TAG=${tag}`)) pids.push(Number(name));
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return pids;
}

/** The first `next()` of a multiYield call, or the error it threw or rejected with. */
async function firstStepError(start: () => AsyncGenerator): Promise<unknown> {
  try {
    const iterator = start();
    await iterator.next();
    await iterator.return(undefined);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe.each(MODES)('%s mode', (mode) => {
  test('the seed-000 example prints 10 squares of distinct seeds and a final line, and leaves no worker behind', async () => {
    const tag = `${process.pid}-${mode}-${Date.now()}`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE, mode], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, MULTIPOOL_SPEC_TAG: tag },
    });
    if (run.status !== 0) throw new Error(`multi-yield.ts ${mode} exited with ${run.status ?? run.signal}: ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe(`done: 10 items from 3 ${mode} workers`);
    const items = lines.slice(0, -1).map(Number);
    expect(items).toHaveLength(10);
    const roots = items.map((item) => Math.sqrt(item));
    for (const root of roots) expect(Number.isInteger(root)).toBe(true);
    expect(new Set(roots).size).toBe(10);
    // The source is 0, 1, 2, …; with 10 taken it is at most 2 * queueSize + workers = 23 seeds further.
    for (const root of roots) expect(root).toBeLessThan(10 + 23);
    // A worker process of the example would carry the tag in its environment.
    expect(await eventually(() => taggedProcesses(tag).length === 0, 1000)).toBe(true);
  });

  test('multiYield() yields every item when fn is a generator: 3 items per seed give 3·N items, each seed in order', async () => {
    const items = await collect(
      multiYield(
        function* (seed: number) {
          yield { seed, k: 0 };
          yield { seed, k: 1 };
          yield { seed, k: 2 };
        },
        range(60),
        { mode, workers: 2 },
      ),
    );
    expect(items).toHaveLength(180);
    for (const seed of range(60)) expect(items.filter((item) => item.seed === seed).map((item) => item.k)).toEqual([0, 1, 2]);
    await expectReleased(mode);
  });

  test('multiYield() yields every item when fn is an async generator', async () => {
    const items = await collect(
      multiYield(
        async function* (seed: number) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield seed;
          await Promise.resolve();
          yield seed + 1000;
        },
        range(40),
        { mode, workers: 2, queueSize: 3 },
      ),
    );
    expect(items.sort((a, b) => a - b)).toEqual([...range(40), ...range(40).map((seed) => seed + 1000)]);
    await expectReleased(mode);
  });

  test('multiYield() yields every item when fn returns a plain value', async () => {
    const items = await collect(multiYield((seed: number) => seed * seed, range(200), { mode, workers: 2 }));
    expect(items.sort((a, b) => a - b)).toEqual(range(200).map((seed) => seed * seed));
    await expectReleased(mode);
  });

  test('multiYield() yields every item when fn is async and returns a value', async () => {
    const items = await collect(
      multiYield(
        async (seed: number) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          return `seed ${seed}`;
        },
        new Naturals(50),
        { mode, workers: 2 },
      ),
    );
    expect(items.sort()).toEqual(range(50).map((seed) => `seed ${seed}`).sort());
    await expectReleased(mode);
  });

  test('multiYield() yields the items a generator produced before it threw, then the error', async () => {
    const seen: string[] = [];
    const error = await (async () => {
      for await (const item of multiYield(
        function* (seed: number) {
          yield `a${seed}`;
          yield `b${seed}`;
          throw new TypeError(`generator for ${seed} broke`);
        },
        [7],
        { mode, workers: 1 },
      )) {
        seen.push(item);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['a7', 'b7']);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('generator for 7 broke');
    await expectReleased(mode);
  });

  test.each(['sync', 'async'] as const)(
    'multiYield() keeps a %s source at most 2 * queueSize + workers seeds ahead of what the consumer took',
    async (kind) => {
      const queueSize = 2;
      const workers = 2;
      const source = kind === 'sync' ? new Naturals() : new AsyncNaturals();
      let taken = 0;
      let maxAhead = 0;
      source.onPull = () => {
        maxAhead = Math.max(maxAhead, source.pulled - taken);
      };
      for await (const _ of multiYield((seed: number) => seed, source, { mode, workers, queueSize })) {
        taken++;
        if (taken === 5) {
          // Not a handshake: the consumer dawdles so the workers and the feeder can run ahead as far as they ever would.
          await pause(200);
          break;
        }
      }
      expect(taken).toBe(5);
      // While running, + 1: the loop's request for its next item may refill the source before the body counts that item.
      expect(maxAhead).toBeLessThanOrEqual(2 * queueSize + workers + 1);
      expect(source.pulled).toBeLessThanOrEqual(taken + 2 * queueSize + workers);
      expect(source.returned).toBe(1);
      await expectReleased(mode);
    },
  );

  test('multiYield() keeps the source bounded when each seed yields many items', async () => {
    const queueSize = 3;
    const workers = 2;
    const source = new Naturals();
    let taken = 0;
    let maxAhead = 0;
    source.onPull = () => {
      maxAhead = Math.max(maxAhead, source.pulled - taken);
    };
    for await (const _ of multiYield(
      function* (seed: number) {
        for (let k = 0; k < 4; k++) yield seed * 10 + k;
      },
      source,
      { mode, workers, queueSize },
    )) {
      if (++taken === 40) break;
    }
    // While running, + 1: the loop's request for its next item may refill the source before the body counts that item.
    expect(maxAhead).toBeLessThanOrEqual(2 * queueSize + workers + 1);
    expect(source.pulled).toBeLessThanOrEqual(taken + 2 * queueSize + workers);
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() lets a slow consumer set the pace: while the loop waits, endless generators get at most queueSize items each ahead', async () => {
    const queueSize = 3;
    const workers = 2;
    const taken = 20;
    const source = new Naturals();
    const seen: { seed: number; k: number; at: number }[] = [];
    let resumed = 0;
    for await (const item of multiYield(
      function* (seed: number) {
        for (let k = 0; ; k++) yield { seed, k, at: Date.now() };
      },
      source,
      { mode, workers, queueSize },
    )) {
      seen.push(item);
      if (seen.length === taken) {
        // The consumer is slow: nothing is taken, so nothing is acknowledged, for a while.
        await pause(300);
        resumed = Date.now();
      } else if (seen.length === taken + 4 * workers * queueSize) {
        break;
      }
    }
    // Every item made before the loop resumed and not taken by then is a backlog the workers ran ahead by:
    // each endless generator may be at most queueSize items ahead, so the backlog is at most workers * queueSize.
    // Without back-pressure they would have made thousands by then, and every item after the pause would be old.
    const backlog = seen.slice(taken).filter((item) => item.at < resumed).length;
    expect(backlog).toBeLessThanOrEqual(workers * queueSize);
    // Each seed's items came out complete and in order; only `workers` seeds ever ran.
    const seeds = [...new Set(seen.map((item) => item.seed))];
    expect(seeds.length).toBeLessThanOrEqual(workers);
    for (const seed of seeds) {
      const ks = seen.filter((item) => item.seed === seed).map((item) => item.k);
      expect(ks).toEqual(range(ks.length));
    }
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() throws an error from fn into the loop as its own class with a RemoteTraceback cause, and releases everything', async () => {
    const source = new Naturals();
    const seen: number[] = [];
    const error = await (async () => {
      for await (const item of multiYield(
        (seed: number) => {
          if (seed === 7) throw new RangeError(`seed ${seed} refused`);
          return seed;
        },
        source,
        { mode, workers: 2 },
      )) {
        seen.push(item);
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('seed 7 refused');
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(RemoteTraceback);
    expect((cause as RemoteTraceback).tb).toContain('seed 7 refused');
    expect(seen).not.toContain(7);
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() propagates an error thrown in the loop body, closes the source and releases the workers', async () => {
    const source = new Naturals();
    const thrown = new SyntaxError('the consumer gave up');
    let taken = 0;
    const error = await (async () => {
      for await (const _ of multiYield((seed: number) => seed + 1, source, { mode, workers: 2 })) {
        if (++taken === 3) throw thrown;
      }
    })().catch((e: unknown) => e);
    expect(error).toBe(thrown);
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() calls the source iterator’s return() on break and releases the workers', async () => {
    const source = new Naturals();
    const taken: number[] = [];
    for await (const item of multiYield((seed: number) => seed * 2, source, { mode, workers: 2 })) {
      taken.push(item);
      if (taken.length === 10) break;
    }
    expect(taken).toHaveLength(10);
    expect(new Set(taken).size).toBe(10);
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() calls the source iterator’s return() when an enclosing async function returns from the loop', async () => {
    const source = new AsyncNaturals();
    async function firstAbove(limit: number): Promise<number> {
      for await (const item of multiYield((seed: number) => seed * seed, source, { mode, workers: 2 })) {
        if (item > limit) return item;
      }
      return -1;
    }
    const found = await firstAbove(50);
    expect(found).toBeGreaterThan(50);
    expect(Number.isInteger(Math.sqrt(found))).toBe(true);
    expect(source.returned).toBe(1);
    await expectReleased(mode);
  });

  test('multiYield() keeps memory flat over a 10,000-item stream', async () => {
    const produce = function* (seed: number): Generator<number[]> {
      // 1,250 doubles, 10 KB on the heap, in every mode (a repeated string would be a small rope in async mode):
      // if the stream kept what it passed on, 10,000 items would hold ~100 MB.
      for (let k = 0; k < 10; k++) yield new Array<number>(1250).fill(seed + k / 10);
    };
    const options = { mode, workers: 2 };
    // Warm up (workers booted once, code compiled) so the measurement sees the stream, not first-use costs.
    expect(await collect(multiYield(produce, range(20), options))).toHaveLength(200);
    gc();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    let count = 0;
    for await (const item of multiYield(produce, new Naturals(1000), options)) {
      count++;
      if (item.length !== 1250) throw new Error(`item ${count} has ${item.length} numbers`);
      if (count % 250 === 0) {
        const now = process.memoryUsage();
        peakHeap = Math.max(peakHeap, now.heapUsed);
        peakRss = Math.max(peakRss, now.rss);
      }
    }
    gc();
    const after = process.memoryUsage();
    const deltas = {
      heapRetainedMB: (after.heapUsed - before.heapUsed) / MB,
      heapPeakMB: (peakHeap - before.heapUsed) / MB,
      rssPeakMB: (Math.max(peakRss, after.rss) - before.rss) / MB,
    };
    if (process.env.MULTIPOOL_SPEC_REPORT) console.log(`${mode} memory deltas (MB): ${JSON.stringify(deltas)}`);
    expect(count).toBe(10_000);
    expect(deltas.heapRetainedMB).toBeLessThan(64);
    expect(deltas.heapPeakMB).toBeLessThan(64);
    // RSS is the coarse check, so its bound is looser: it keeps memory the allocator has not handed back yet,
    // the channel's buffers, and in thread mode the workers' own heaps (each churning through ~50 MB of arrays).
    // Keeping the stream would cost ~100 MB of heap and fail the heap bound above first.
    expect(deltas.rssPeakMB).toBeLessThan(128);
    await expectReleased(mode);
  });
});

describe('async mode (same event loop, so the workers can be watched directly)', () => {
  test('multiYield() never lets a generator get more than queueSize items ahead of the consumer', async () => {
    const queueSize = 4;
    const workers = 3;
    let produced = 0;
    let taken = 0;
    let maxAhead = 0;
    for await (const _ of multiYield(
      function* (seed: number) {
        for (let k = 0; ; k++) {
          produced++;
          yield seed + k;
        }
      },
      new Naturals(),
      { mode: 'async', workers, queueSize },
    )) {
      taken++;
      maxAhead = Math.max(maxAhead, produced - taken);
      await new Promise((resolve) => setImmediate(resolve));
      if (taken === 200) break;
    }
    expect(maxAhead).toBeLessThanOrEqual(workers * queueSize);
    // ...and the producers did run ahead, so the bound was exercised.
    expect(maxAhead).toBeGreaterThan(0);
  });

  test('multiYield() closes the generators still running in the workers when the loop breaks', async () => {
    let started = 0;
    let closed = 0;
    let taken = 0;
    for await (const _ of multiYield(
      function* (seed: number) {
        started++;
        try {
          for (;;) yield seed;
        } finally {
          closed++;
        }
      },
      new Naturals(),
      { mode: 'async', workers: 2, queueSize: 2 },
    )) {
      if (++taken === 10) break;
    }
    expect(started).toBeGreaterThan(0);
    expect(await eventually(() => closed === started, 1000)).toBe(true);
  });

  test('multiYield() accepts a closure in async mode', async () => {
    const factor = 3;
    expect((await collect(multiYield((seed: number) => seed * factor, range(10), { mode: 'async', workers: 2 }))).sort((a, b) => a - b)).toEqual(
      range(10).map((seed) => seed * 3),
    );
  });

  // Regression: seeds whose generator yields nothing once never freed their place in the look-ahead,
  // so after `2 * queueSize + workers` of them in a row the source was never read again. The fix is
  // mode-independent; this runs in async mode, where a stall (should it come back) holds no OS resources.
  test('multiYield() yields every item when some or all seeds yield nothing (a filtering generator)', async () => {
    const stallSeconds = 5;
    const filtered = multiYield(
      function* (seed: number) {
        if (seed % 25 === 0) yield seed;
      },
      range(300),
      { mode: 'async', workers: 2, queueSize: 4 },
    );
    const out: number[] = [];
    for (;;) {
      const step = await within(stallSeconds, filtered.next(), `item after ${JSON.stringify(out)}`);
      if (step.done) break;
      out.push(step.value);
    }
    expect(out.sort((a, b) => a - b)).toEqual(range(12).map((i) => i * 25));
    const empty = collect(multiYield(function* (_seed: number) {}, range(20), { mode: 'async', workers: 2, queueSize: 4 }));
    expect(await within(stallSeconds, empty, 'end of a stream of empty generators')).toEqual([]);
  });
});

describe('bad arguments', () => {
  const naturals = (): Iterable<number> => new Naturals(3);
  test.each([
    ['fn', TypeError, () => multiYield(42 as unknown as (seed: number) => number, naturals(), { mode: 'async' })],
    ['source', TypeError, () => multiYield((seed: number) => seed, 42 as unknown as number[], { mode: 'async' })],
    ['source', TypeError, () => multiYield((seed: number) => seed, null as unknown as number[], { mode: 'async' })],
    ['workers', RangeError, () => multiYield((seed: number) => seed, naturals(), { mode: 'async', workers: 0 })],
    ['workers', RangeError, () => multiYield((seed: number) => seed, naturals(), { mode: 'async', workers: 1.5 })],
    ['queueSize', RangeError, () => multiYield((seed: number) => seed, naturals(), { mode: 'async', queueSize: 0 })],
    ['options', TypeError, () => multiYield((seed: number) => seed, naturals(), 'thread' as unknown as { mode: 'thread' })],
  ] as const)('multiYield() rejects a bad `%s` with a %p naming it', async (name, ErrorClass, start) => {
    const error = await firstStepError(start);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as Error).message).toContain(`\`${name}\``);
  });

  test('multiYield() rejects an unknown mode with a TypeError or RangeError naming `mode`, before starting any worker', async () => {
    const error = await firstStepError(() => multiYield((seed: number) => seed, naturals(), { mode: 'x' as MultiYieldMode }));
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as Error).message).toContain('`mode`');
    expect(newWorkerChildren()).toEqual([]);
  });
});
