/** Queue, JoinableQueue and SimpleQueue: from the owner, a worker thread and a child process. */
import { Empty, Event, Full, InvalidStateError, JoinableQueue, Lock, Pool, Queue, SimpleQueue, Value } from 'multipool';

import { terminating, withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

class Point {
  constructor(readonly x: number) {}
}

describe.each(SIDES)('from a worker (%s)', (side: Side) => {
  test('items keep their order and their values both ways (Map, Buffer, BigInt)', async () => {
    await using pool = sidePool(side, 1);
    const toWorker = new Queue<unknown>();
    const back = new Queue<unknown>();
    const items = [1, 'two', new Map([[3n, Buffer.from('three')]]), { nested: [null, 4.5] }];
    for (const item of items) await toWorker.put(item);
    const relay = async (from: Queue, to: Queue, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await to.put(await from.get());
    };
    await within(pool.apply(relay, [toWorker, back, items.length]), 'relay');
    const got: unknown[] = [];
    for (let i = 0; i < items.length; i++) got.push(await back.get());
    expect(got).toEqual(items);
    expect(Buffer.isBuffer((got[2] as Map<bigint, Buffer>).get(3n))).toBe(true);
  });

  test('get(false) rejects with Empty, a timed get with Empty after its timeout, putNowait on a full queue with Full', async () => {
    await using pool = sidePool(side, 1);
    const q = new Queue<number>(1);
    const names = async (queue: Queue<number>): Promise<string[]> => {
      const name = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (error: Error) => error.name);
      return [await name(queue.get(false)), await name(queue.get(true, 0.05)), await name(queue.putNowait(1)), await name(queue.putNowait(2)), await name(queue.put(3, true, 0.05))];
    };
    expect(await within(pool.apply(names, [q]), 'names')).toEqual(['Empty', 'Empty', 'ok', 'Full', 'Full']);
    expect(await q.qsize()).toBe(1);
    expect(await q.full()).toBe(true);
  });

  test('a consumer killed while waiting on get() loses no item', async () => {
    await using consumer = terminating(sidePool(side, 1));
    const q = new Queue<string>();
    const waiting = new Event();
    const lost = consumer.apply(
      async (queue: Queue<string>, e: Event) => {
        const item = queue.get();
        await e.set();
        return item;
      },
      [q, waiting],
    );
    lost.catch(() => {});
    await within(waiting.wait(), 'the consumer to wait');
    await within(consumer.terminate(), 'terminate');
    await q.put('precious');
    expect(await within(q.get(), 'get the item')).toBe('precious');
  });

  test('a consumer killed holding items leased ahead loses none of them, and qsize() counts them meanwhile', async () => {
    await using consumer = terminating(sidePool(side, 1));
    const q = new Queue<string>();
    for (const item of ['a', 'b', 'c']) await q.put(item);
    const holding = new Event();
    const got = consumer.apply(
      async (queue: Queue<string>, e: Event) => {
        const item = await queue.get();
        await e.set();
        // Holds the rest of its lease unread until it is killed.
        await new Promise(() => {});
        return item;
      },
      [q, holding],
    );
    got.catch(() => {});
    await within(holding.wait(), 'the consumer to take one item');
    expect(await q.qsize()).toBe(2);
    await within(consumer.terminate(), 'terminate');
    expect([await within(q.get(), 'get b'), await within(q.get(), 'get c')]).toEqual(['b', 'c']);
    expect(await q.qsize()).toBe(0);
  });

  test('a second consumer is served the items the first one leased and has not read, in order', async () => {
    await using consumer = sidePool(side, 1);
    const q = new SimpleQueue<string>();
    for (const item of ['a', 'b', 'c']) await q.put(item);
    // The worker takes one item and keeps the rest of its lease, unread, as its queue's reader stays.
    expect(await within(consumer.apply(async (queue: SimpleQueue<string>) => queue.get(), [q]), 'the first get')).toBe('a');
    expect([await within(q.get(), 'get b'), await within(q.get(), 'get c')]).toEqual(['b', 'c']);
    await q.put('d');
    expect(await within(consumer.apply(async (queue: SimpleQueue<string>) => queue.get(), [q]), 'a later get')).toBe('d');
  });

  test('getNowait() from the worker takes one item and leaves the rest for other consumers', async () => {
    await using consumer = sidePool(side, 1);
    const q = new Queue<string>();
    for (const item of ['a', 'b', 'c']) await q.put(item);
    expect(await within(consumer.apply(async (queue: Queue<string>) => queue.getNowait(), [q]), 'getNowait')).toBe('a');
    expect(await q.qsize()).toBe(2);
    expect([await q.getNowait(), await q.getNowait()]).toEqual(['b', 'c']);
  });

  test('a producer killed right after its puts resolved loses none of them', async () => {
    await using producer = terminating(sidePool(side, 1));
    const q = new Queue<number>();
    const done = new Event();
    const running = producer.apply(
      async (queue: Queue<number>, e: Event) => {
        for (let i = 0; i < 100; i++) await queue.put(i);
        await e.set();
        await new Promise(() => {});
      },
      [q, done],
    );
    running.catch(() => {});
    await within(done.wait(), 'the producer to put every item');
    await within(producer.terminate(), 'terminate');
    const got: number[] = [];
    for (let i = 0; i < 100; i++) got.push(await within(q.get(), `get item ${i}`));
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('an item may carry other primitives, which work on the other side', async () => {
    await using pool = sidePool(side, 1);
    const q = new Queue<{ lock: Lock; total: Value }>();
    const lock = new Lock();
    const total = new Value('i', 0);
    await q.put({ lock, total });
    await lock.acquire();
    const use = async (queue: Queue<{ lock: Lock; total: Value }>): Promise<boolean> => {
      const { lock: l, total: t } = await queue.get();
      await t.set(41);
      return l.acquire(false);
    };
    expect(await within(pool.apply(use, [q]), 'use')).toBe(false);
    expect(total.value).toBe(41);
    await lock.release();
  });

  test('a JoinableQueue joins once the worker marked every item done; one taskDone() too many is a RangeError', async () => {
    await using pool = sidePool(side, 1);
    const q = new JoinableQueue<number>();
    for (const n of [1, 2, 3]) await q.put(n);
    const consume = async (queue: JoinableQueue<number>): Promise<[number, string]> => {
      let sum = 0;
      for (let i = 0; i < 3; i++) {
        sum += await queue.get();
        await queue.taskDone();
      }
      const extra = await queue.taskDone().then(() => 'ok', (error: Error) => `${error.name}: ${error.message}`);
      return [sum, extra];
    };
    const [sum, extra] = await within(pool.apply(consume, [q]), 'consume');
    expect(sum).toBe(6);
    expect(extra).toMatch(/^RangeError: taskDone\(\) called too many times/);
    await within(q.join(), 'join');
  });

  test('a SimpleQueue carries items from the worker', async () => {
    await using pool = sidePool(side, 1);
    const q = new SimpleQueue<number[]>();
    await within(pool.apply((queue: SimpleQueue<number[]>) => queue.put([1, 2]), [q]), 'put');
    expect(await q.empty()).toBe(false);
    expect(await q.get()).toEqual([1, 2]);
    expect(await q.empty()).toBe(true);
  });
});

describe('initargs carrying a Lock', () => {
  test.each(SIDES)('every %s worker gets the same lock through its initializer', async (side) => {
    const lock = new Lock();
    const start = (l: Lock): void => {
      (globalThis as { sharedLock?: Lock }).sharedLock = l;
    };
    await using pool = new Pool({ processes: 2, backend: side, initializer: start, initargs: [lock] });
    await lock.acquire();
    const tryIt = (): Promise<boolean> => ((globalThis as { sharedLock?: Lock }).sharedLock as Lock).acquire(false);
    expect(await within(Promise.all([pool.apply(tryIt), pool.apply(tryIt)]), 'try')).toEqual([false, false]);
    await lock.release();
  });
});

describe('in the owner', () => {
  test('a bounded put waits for room, and goes on once a get makes it', async () => {
    const q = new Queue<number>(1);
    await q.put(1);
    let done = false;
    const second = q.put(2).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(await q.get()).toBe(1);
    await within(second, 'the waiting put');
    expect(await q.get()).toBe(2);
    expect(await q.empty()).toBe(true);
  });

  test('a timeout of Infinity, or beyond what a timer holds, waits without limit', async () => {
    const q = new Queue<number>();
    const infinite = q.get(true, Infinity);
    const huge = q.get(true, 1e10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await q.put(1);
    await q.put(2);
    expect(await within(Promise.all([infinite, huge]), 'the gets')).toEqual([1, 2]);
  });

  test('bad arguments and items are clear errors', async () => {
    expect(() => new Queue(-1)).toThrow(new RangeError('Expected `maxsize` to be an integer >= 0, got `-1` (number)'));
    expect(() => new JoinableQueue(1.5)).toThrow(RangeError);
    const q = new Queue<unknown>();
    await expect(q.put(() => 1)).rejects.toThrow(TypeError);
    await expect(q.put(new Point(1))).rejects.toThrow(/Cannot put this item on a Queue: .*a Point instance/);
    await expect(q.get('no' as unknown as boolean)).rejects.toThrow(TypeError);
    await expect(q.get(true, -1)).rejects.toThrow(RangeError);
    await expect(q.getNowait()).rejects.toThrow(Empty);
    await expect(new Queue(1).put(1).then(async () => undefined)).resolves.toBeUndefined();
    const full = new Queue(1);
    await full.put(0);
    await expect(full.putNowait(1)).rejects.toThrow(Full);
    await expect(new JoinableQueue().taskDone()).rejects.toThrow(new RangeError('taskDone() called too many times: more than the items put on the queue'));
    q.close();
    await expect(q.put(1)).rejects.toThrow(InvalidStateError);
    await expect(q.joinThread()).resolves.toBeUndefined();
  });
});
