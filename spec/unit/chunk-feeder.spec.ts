/**
 * The input side of a lazy job on its own: how far it reads ahead of the consumer, when it refills, how it
 * cuts chunks, and what it reports when the input ends, throws or is stopped.
 */
import type { FeederSpec, PulledChunk } from '../../dist/engine/chunk-feeder.js';
import { ChunkFeeder, defaultChunksize,MIN_LOOKAHEAD } from '../../dist/engine/chunk-feeder.js';

type HookCall = ['ready'] | ['failed', unknown, number] | ['ended', number];

/** An input that counts what was pulled from it and whether it was closed. */
class Counted {
  pulled = 0;
  returned = false;

  /** 0, 1, 2, … forever, or `length` items; throws `error` instead of item `throwAt`. */
  *naturals(length = Infinity, throwAt = Infinity, error: unknown = new Error('input failed')): Generator<number> {
    try {
      for (let i = 0; i < length; i++) {
        if (i === throwAt) throw error;
        this.pulled++;
        yield i;
      }
    } finally {
      this.returned = true;
    }
  }

  async *asyncNaturals(length = Infinity, throwAt = Infinity, error: unknown = new Error('input failed')): AsyncGenerator<number> {
    try {
      for (let i = 0; i < length; i++) {
        await Promise.resolve();
        if (i === throwAt) throw error;
        this.pulled++;
        yield i;
      }
    } finally {
      this.returned = true;
    }
  }
}

function feeder(spec: Partial<FeederSpec> & Pick<FeederSpec, 'input'>): { feeder: ChunkFeeder; calls: HookCall[] } {
  const calls: HookCall[] = [];
  const instance = new ChunkFeeder(
    { chunksize: 1, workers: 1, ...spec },
    {
      ready: () => calls.push(['ready']),
      failed: (error, index) => calls.push(['failed', error, index]),
      ended: (pulled) => calls.push(['ended', pulled]),
    },
  );
  return { feeder: instance, calls };
}

function takeAll(f: ChunkFeeder): PulledChunk[] {
  const out: PulledChunk[] = [];
  for (let chunk = f.take(); chunk; chunk = f.take()) out.push(chunk);
  return out;
}

/**
 * Consumes every item one at a time, as an iterator's consumer does, for `items` items, and returns the
 * most items that were ever pulled and not yet consumed.
 */
function consumeOneByOne(f: ChunkFeeder, input: Counted, items: number): number {
  let consumed = 0;
  let most = input.pulled;
  while (consumed < items) {
    const chunk = f.take();
    if (!chunk) throw new Error(`no chunk ready after ${consumed} items`);
    for (let i = 0; i < chunk.items.length && consumed < items; i++) {
      consumed++;
      f.consumed(1);
      most = Math.max(most, input.pulled - consumed);
    }
  }
  return most;
}

/** Lets every pending promise job run (an async input resolves in promise jobs only). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('ChunkFeeder look-ahead', () => {
  test.each([
    { chunksize: 1, workers: 1, bound: MIN_LOOKAHEAD },
    { chunksize: 8, workers: 2, bound: MIN_LOOKAHEAD },
    { chunksize: 64, workers: 4, bound: MIN_LOOKAHEAD },
    { chunksize: 128, workers: 4, bound: 4 * 4 * 128 },
    { chunksize: 100, workers: 3, bound: 4 * 3 * 100 },
  ])('ChunkFeeder reads an infinite input max(MIN_LOOKAHEAD, 4 × workers × chunksize) ahead: chunksize $chunksize, $workers workers', ({ chunksize, workers, bound }) => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize, workers });
    f.start();
    expect(input.pulled).toBe(bound);
    expect(consumeOneByOne(f, input, 5 * bound)).toBe(bound);
  });

  test.each([
    { lookahead: 1, chunksize: 1, workers: 1 },
    { lookahead: 16, chunksize: 4, workers: 8 },
    { lookahead: 1000, chunksize: 10, workers: 1 },
  ])('ChunkFeeder reads exactly `lookahead` ($lookahead) ahead when it is given, with chunksize $chunksize', ({ lookahead, chunksize, workers }) => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize, workers, lookahead });
    f.start();
    expect(input.pulled).toBe(lookahead);
    expect(consumeOneByOne(f, input, 5 * lookahead)).toBe(lookahead);
  });

  // The window is documented as a bound (Executor.map's `buffersize` becomes `lookahead`). The cases above
  // hold because the chunk size divides the window and half of it; in these it does not.
  test.each([
    { lookahead: 10, chunksize: 4, workers: 1, bound: 10 },
    { lookahead: 3, chunksize: 2, workers: 1, bound: 3 },
    { lookahead: 12, chunksize: 4, workers: 1, bound: 12 },
    { lookahead: undefined, chunksize: 3, workers: 1, bound: MIN_LOOKAHEAD },
  ])('ChunkFeeder never reads more than its window ($bound) ahead, also when chunksize $chunksize does not divide it or half of it', ({ lookahead, chunksize, workers, bound }) => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize, workers, lookahead });
    f.start();
    expect(input.pulled).toBeLessThanOrEqual(bound);
    expect(consumeOneByOne(f, input, 10 * bound)).toBeLessThanOrEqual(bound);
  });

  test('ChunkFeeder refills only once half the window is consumed, then fills the window again', () => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize: 8, workers: 1 }); // window: MIN_LOOKAHEAD
    const half = MIN_LOOKAHEAD / 2;
    f.start();
    expect(input.pulled).toBe(MIN_LOOKAHEAD);
    takeAll(f);
    f.consumed(half - 1);
    expect(input.pulled).toBe(MIN_LOOKAHEAD); // half + 1 ahead: more than half the window
    f.consumed(1);
    expect(input.pulled).toBe(half + MIN_LOOKAHEAD); // half ahead: refilled to a full window
    expect(f.readyCount).toBe(half / 8);
  });

  test('ChunkFeeder reads nothing more while nothing is consumed, however often it is asked to fill', () => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize: 4, workers: 1 });
    f.start();
    const pulled = input.pulled;
    f.fill();
    f.consumed(0);
    f.fill();
    expect(input.pulled).toBe(pulled);
  });

  test('ChunkFeeder reads an async infinite input only up to the window', async () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.asyncNaturals(), chunksize: 4, workers: 1, lookahead: 20 });
    f.start();
    await flush();
    expect(input.pulled).toBe(20);
    expect(calls).toContainEqual(['ready']);
    expect(calls).not.toContainEqual(['ended', expect.any(Number)]);
    takeAll(f);
    f.consumed(12);
    await flush();
    expect(input.pulled).toBe(12 + 20);
  });
});

describe('ChunkFeeder chunks', () => {
  test('ChunkFeeder cuts a finite input into chunks of the given size with consecutive indexes, the last one short', () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.naturals(10), chunksize: 4 });
    f.start();
    expect(takeAll(f)).toEqual([
      { index: 0, items: [0, 1, 2, 3] },
      { index: 4, items: [4, 5, 6, 7] },
      { index: 8, items: [8, 9] },
    ]);
    expect(f.inputDone).toBe(true);
    expect(calls).toEqual([['ready'], ['ended', 10]]);
  });

  test('ChunkFeeder ends an input whose length is a multiple of the chunk size without an empty chunk', () => {
    const { feeder: f, calls } = feeder({ input: [1, 2, 3, 4], chunksize: 2 });
    f.start();
    expect(takeAll(f).map((c) => c.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(calls).toEqual([['ready'], ['ended', 4]]);
  });

  test('ChunkFeeder ends an empty input at once, with no chunk and no ready call', () => {
    const { feeder: f, calls } = feeder({ input: [], chunksize: 3 });
    f.start();
    expect(f.readyCount).toBe(0);
    expect(f.take()).toBeUndefined();
    expect(f.inputDone).toBe(true);
    expect(calls).toEqual([['ended', 0]]);
  });

  test('ChunkFeeder reads a finite input longer than the window in windows, and ends once, with the total', () => {
    const input = new Counted();
    const total = 5 * MIN_LOOKAHEAD;
    const { feeder: f, calls } = feeder({ input: input.naturals(total), chunksize: 8 });
    f.start();
    expect(f.inputDone).toBe(false);
    const items: unknown[] = [];
    const indexes: number[] = [];
    for (let chunk = f.take(); chunk; chunk = f.take()) {
      indexes.push(chunk.index);
      items.push(...chunk.items);
      f.consumed(chunk.items.length);
    }
    expect(items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(indexes).toEqual(Array.from({ length: total / 8 }, (_, i) => i * 8));
    expect(f.inputDone).toBe(true);
    expect(calls.filter((call) => call[0] === 'ended')).toEqual([['ended', total]]);
  });

  test('ChunkFeeder reads an async input into the same chunks and ends with the total', async () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.asyncNaturals(7), chunksize: 3 });
    f.start();
    expect(f.readyCount).toBe(0); // nothing can be ready before the input's promises resolve
    await flush();
    expect(takeAll(f)).toEqual([
      { index: 0, items: [0, 1, 2] },
      { index: 3, items: [3, 4, 5] },
      { index: 6, items: [6] },
    ]);
    expect(f.inputDone).toBe(true);
    expect(calls.at(-1)).toEqual(['ended', 7]);
    expect(calls.filter((call) => call[0] === 'ended')).toHaveLength(1);
    expect(calls).toContainEqual(['ready']);
  });

  test('defaultChunksize is Python’s ceil(n / (4 × processes)), at least 1', () => {
    expect(defaultChunksize(100, 4)).toBe(7);
    expect(defaultChunksize(16, 4)).toBe(1);
    expect(defaultChunksize(17, 4)).toBe(2);
    expect(defaultChunksize(0, 4)).toBe(1);
  });
});

describe('ChunkFeeder automatic chunk size', () => {
  /** Starts an 'auto' feeder, reports `size` items run in `ms`, and returns the size of the chunks cut next. */
  function chunkAfter(observations: [size: number, ms: number][], spec: Partial<FeederSpec> = {}): number {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize: 'auto', workers: 1, ...spec });
    f.start();
    const first = takeAll(f);
    for (const [size, ms] of observations) f.observe(size, ms);
    f.consumed(first.reduce((n, c) => n + c.items.length, 0));
    const next = f.take();
    if (!next) throw new Error('the feeder did not refill');
    return next.items.length;
  }

  test('ChunkFeeder in auto mode starts with one item per chunk', () => {
    const { feeder: f } = feeder({ input: new Counted().naturals(), chunksize: 'auto' });
    f.start();
    const chunks = takeAll(f);
    expect(chunks).toHaveLength(MIN_LOOKAHEAD);
    expect(chunks.every((c) => c.items.length === 1)).toBe(true);
  });

  test('ChunkFeeder in auto mode grows its chunks to about a millisecond of work once tiny items are observed', () => {
    // 1/256 ms per item: a chunk of about 256 items holds a millisecond.
    const size = chunkAfter([[64, 0.25]]);
    expect(size).toBeGreaterThan(64);
    expect(size).toBeLessThanOrEqual(1024);
    expect(size).toBe(256); // the rule today: ceil(1 ms / measured ms per item)
  });

  test('ChunkFeeder in auto mode keeps one item per chunk for items of a millisecond or more', () => {
    expect(chunkAfter([[10, 50]])).toBe(1);
  });

  test('ChunkFeeder in auto mode ignores an observation of an empty chunk', () => {
    expect(chunkAfter([[0, 0]])).toBe(1);
    expect(chunkAfter([[0, 5], [64, 0.25]])).toBe(256);
  });

  test('ChunkFeeder in auto mode moves its estimate towards newer observations rather than jumping to them', () => {
    const slowThenFast = chunkAfter([
      [10, 10], // 1 ms per item
      [256, 1], // then 1/256 ms per item
    ]);
    expect(slowThenFast).toBeGreaterThan(1);
    expect(slowThenFast).toBeLessThan(256);
  });

  test('ChunkFeeder in auto mode caps a chunk at 4096 items', () => {
    expect(chunkAfter([[1_000_000, 0.001]])).toBe(4096);
  });

  test('ChunkFeeder in auto mode caps a chunk at lookahead / workers when a lookahead is given', () => {
    expect(chunkAfter([[64, 0.25]], { lookahead: 100, workers: 4 })).toBe(25);
    expect(chunkAfter([[64, 0.25]], { lookahead: 3, workers: 8 })).toBe(1);
  });

  test('ChunkFeeder in auto mode widens its default window with the chunk size', () => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(), chunksize: 'auto', workers: 2 });
    f.start();
    takeAll(f);
    f.observe(64, 0.25); // chunks of 256 items from now on
    f.consumed(input.pulled);
    expect(input.pulled - MIN_LOOKAHEAD).toBe(4 * 2 * 256);
  });
});

describe('ChunkFeeder failures and stop', () => {
  test('ChunkFeeder hands out the items before a throwing input’s error, then reports failed(error, index) and ended', () => {
    const input = new Counted();
    const error = new Error('bad line');
    const { feeder: f, calls } = feeder({ input: input.naturals(Infinity, 5, error), chunksize: 2 });
    f.start();
    expect(takeAll(f)).toEqual([
      { index: 0, items: [0, 1] },
      { index: 2, items: [2, 3] },
      { index: 4, items: [4] },
    ]);
    expect(calls).toEqual([['failed', error, 5], ['ready'], ['ended', 5]]);
    expect(f.inputDone).toBe(true);
  });

  test('ChunkFeeder reports failed(error, 0) and ended(0) for an input that throws before its first item', () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.naturals(Infinity, 0, 'nope'), chunksize: 3 });
    f.start();
    expect(f.take()).toBeUndefined();
    expect(calls).toEqual([['failed', 'nope', 0], ['ready'], ['ended', 0]]);
  });

  test('ChunkFeeder reports failed(error, 0) for an iterable whose [Symbol.iterator]() throws', () => {
    const error = new TypeError('not today');
    const input: Iterable<number> = {
      [Symbol.iterator]() {
        throw error;
      },
    };
    const { feeder: f, calls } = feeder({ input });
    f.start();
    expect(calls).toEqual([['failed', error, 0], ['ready'], ['ended', 0]]);
    expect(f.inputDone).toBe(true);
  });

  test('ChunkFeeder reports an async input’s error after the items before it', async () => {
    const input = new Counted();
    const error = new RangeError('async input failed');
    const { feeder: f, calls } = feeder({ input: input.asyncNaturals(Infinity, 4, error), chunksize: 3 });
    f.start();
    await flush();
    expect(takeAll(f)).toEqual([
      { index: 0, items: [0, 1, 2] },
      { index: 3, items: [3] },
    ]);
    const failed = calls.findIndex((call) => call[0] === 'failed');
    expect(calls[failed]).toEqual(['failed', error, 4]);
    expect(calls.at(-1)).toEqual(['ended', 4]);
    expect(calls.filter((call) => call[0] === 'ended')).toHaveLength(1);
  });

  test('ChunkFeeder pulls nothing more after a failure, however much is consumed', () => {
    const input = new Counted();
    const { feeder: f } = feeder({ input: input.naturals(Infinity, 3), chunksize: 1 });
    f.start();
    const pulled = input.pulled;
    f.consumed(1000);
    f.fill();
    expect(input.pulled).toBe(pulled);
  });

  test('ChunkFeeder stop() calls the input’s return(), drops ready chunks and pulls nothing more', () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.naturals(), chunksize: 4 });
    f.start();
    expect(f.readyCount).toBeGreaterThan(0);
    f.stop();
    expect(input.returned).toBe(true);
    expect(f.inputDone).toBe(true);
    expect(f.readyCount).toBe(0);
    expect(f.take()).toBeUndefined();
    const pulled = input.pulled;
    f.consumed(1000);
    f.fill();
    expect(input.pulled).toBe(pulled);
    expect(calls).not.toContainEqual(['ended', expect.any(Number)]);
  });

  test('ChunkFeeder stop() after the input ended does not call return() again', () => {
    let returns = 0;
    const items = [1, 2][Symbol.iterator]();
    const input: IterableIterator<number> = {
      [Symbol.iterator]() {
        return this;
      },
      next: () => items.next(),
      return() {
        returns++;
        return { done: true, value: undefined };
      },
    };
    const { feeder: f } = feeder({ input });
    f.start();
    expect(f.inputDone).toBe(true);
    f.stop();
    expect(returns).toBe(0);
  });

  test('ChunkFeeder stop() swallows an error thrown by the input’s return()', async () => {
    const syncInput: IterableIterator<number> = {
      [Symbol.iterator]() {
        return this;
      },
      next: () => ({ done: false, value: 1 }),
      return() {
        throw new Error('cleanup failed');
      },
    };
    const sync = feeder({ input: syncInput });
    sync.feeder.start();
    expect(() => sync.feeder.stop()).not.toThrow();

    const asyncInput: AsyncIterableIterator<number> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => Promise.resolve({ done: false, value: 1 }),
      return: () => Promise.reject(new Error('async cleanup failed')),
    };
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', listener);
    try {
      const viaAsync = feeder({ input: asyncInput, lookahead: 4 });
      viaAsync.feeder.start();
      await flush();
      viaAsync.feeder.stop();
      await flush();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  test('ChunkFeeder stop() calls an async input’s return() and reports nothing after it', async () => {
    const input = new Counted();
    const { feeder: f, calls } = feeder({ input: input.asyncNaturals(), chunksize: 2, lookahead: 10 });
    f.start();
    await flush();
    const before = calls.length;
    f.stop();
    await flush();
    expect(input.returned).toBe(true);
    expect(f.readyCount).toBe(0);
    expect(calls).toHaveLength(before);
  });

  test('ChunkFeeder stop() while an async input is mid-chunk calls return() and then no more next()', async () => {
    const pending: ((step: IteratorResult<number>) => void)[] = [];
    let nextCalls = 0;
    let returnedAfter: number | null = null;
    const input: AsyncIterableIterator<number> = {
      [Symbol.asyncIterator]() {
        return this;
      },
      next() {
        nextCalls++;
        return new Promise((resolve) => pending.push(resolve));
      },
      return() {
        returnedAfter = nextCalls;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    const { feeder: f, calls } = feeder({ input, chunksize: 5 });
    f.start();
    await flush();
    expect(nextCalls).toBe(1);
    f.stop();
    expect(returnedAfter).toBe(1);
    // The input answers the next() it was already asked for; the feeder must not ask again.
    for (let i = 0; i < 5 && pending.length > 0; i++) {
      pending.shift()!({ done: false, value: i });
      await flush();
    }
    expect(nextCalls).toBe(1);
    expect(calls).toEqual([]);
    expect(f.take()).toBeUndefined();
  });
});
