/** A queue's ring in shared memory: worker threads of the owner's process beside child processes. */
import { Empty, Event, Full, JoinableQueue, Queue, SimpleQueue, Value } from 'multipool';

import { makePool, terminating, withinSeconds } from './support/helpers.js';
import { STEP_LIMIT } from './support/sides.js';

const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

/** More bytes than the ring holds (64 KiB). */
const OVER_RING = 300 * 1024;

const range = (n: number, tag = ''): string[] => Array.from({ length: n }, (_, i) => `${tag}${i}`);

describe('a queue between worker threads', () => {
  test('a bounded put from a thread waits until a get makes room', async () => {
    await using pool = terminating(makePool('thread', 1));
    const q = new Queue<number>(2);
    const putting = new Event();
    const putDone = new Value('i', 0);
    const producer = pool.apply(
      async (queue: Queue<number>, e: Event, done: Value) => {
        await queue.put(1);
        await queue.put(2);
        await e.set();
        await queue.put(3);
        await done.set(1);
      },
      [q, putting, putDone],
    );
    await within(putting.wait(), 'the producer to fill the queue');
    expect(await q.full()).toBe(true);
    expect(putDone.value).toBe(0);
    expect(await q.get()).toBe(1);
    await within(producer, 'the third put');
    expect(putDone.value).toBe(1);
    expect([await q.get(), await q.get()]).toEqual([2, 3]);
  });

  test('items that overflow the ring keep their order, from a thread to a thread', async () => {
    await using pool = makePool('thread', 2);
    const q = new Queue<string>();
    // 100 items of 4 KiB: more than the ring holds, so later puts wait with the owner behind it.
    const produce = pool.apply(
      async (queue: Queue<string>) => {
        for (let i = 0; i < 100; i++) await queue.put(`${i}:`.padEnd(4096, 'x'));
      },
      [q],
    );
    await within(produce, 'the producer');
    const got = await within(
      pool.apply(
        async (queue: Queue<string>) => {
          const heads: string[] = [];
          for (let i = 0; i < 100; i++) heads.push((await queue.get()).split(':')[0] as string);
          return heads;
        },
        [q],
      ),
      'the consumer',
    );
    expect(got).toEqual(range(100));
    expect(await q.empty()).toBe(true);
  });

  test('an item larger than the ring arrives whole and in its place', async () => {
    await using pool = makePool('thread', 1);
    const q = new Queue<string | Buffer>();
    await within(
      pool.apply(
        async (queue: Queue<string | Buffer>, size: number) => {
          await queue.put('before');
          await queue.put(Buffer.alloc(size, 7));
          await queue.put('after');
        },
        [q, OVER_RING],
      ),
      'the producer',
    );
    const relayed = await within(
      pool.apply(
        async (queue: Queue<string | Buffer>) => {
          const items = [await queue.get(), await queue.get(), await queue.get()];
          return items.map((item) => (typeof item === 'string' ? item : `${item.length}:${item.every((b) => b === 7)}`));
        },
        [q],
      ),
      'the consumer',
    );
    expect(relayed).toEqual(['before', `${OVER_RING}:true`, 'after']);
  });

  test('a thread consumer terminated while blocked in get() loses nothing', async () => {
    await using consumer = terminating(makePool('thread', 1));
    await using producer = makePool('thread', 1);
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
    await within(producer.apply((queue: Queue<string>) => queue.put('precious'), [q]), 'the put');
    expect(await within(q.get(), 'get the item')).toBe('precious');
    expect(await q.qsize()).toBe(0);
  });

  test('timeouts from a thread: get(true, s) rejects with Empty, put(x, true, s) on a full queue with Full', async () => {
    await using pool = makePool('thread', 1);
    const q = new Queue<number>(1);
    const names = async (queue: Queue<number>): Promise<string[]> => {
      const name = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (error: Error) => `${error.name}: ${error.message}`);
      return [await name(queue.get(true, 0.05)), await name(queue.put(1)), await name(queue.put(2, true, 0.05)), await name(queue.put(3, false))];
    };
    const [get, put1, put2, put3] = await within(pool.apply(names, [q]), 'names');
    expect(get).toBe('Empty: The queue stayed empty for 0.05 s');
    expect(put1).toBe('ok');
    expect(put2).toBe('Full: The queue stayed full (maxsize 1) for 0.05 s');
    expect(put3).toBe('Full: The queue is full (maxsize 1)');
    await expect(q.put(4, false)).rejects.toBeInstanceOf(Full);
    expect(await q.get()).toBe(1);
    await expect(q.get(false)).rejects.toBeInstanceOf(Empty);
  });

  test('a SimpleQueue carries items between two threads', async () => {
    await using pool = makePool('thread', 2);
    const q = new SimpleQueue<number>();
    const sum = pool.apply(
      async (queue: SimpleQueue<number>) => {
        let total = 0;
        for (let i = 0; i < 1000; i++) total += await queue.get();
        return total;
      },
      [q],
    );
    await within(
      pool.apply(
        async (queue: SimpleQueue<number>) => {
          for (let i = 0; i < 1000; i++) await queue.put(i);
        },
        [q],
      ),
      'the producer',
    );
    expect(await within(sum, 'the consumer')).toBe(499_500);
  });
});

describe('a queue shared by threads and child processes', () => {
  const produce = async (queue: Queue<string>, tag: string): Promise<void> => {
    for (let i = 0; i < 300; i++) await queue.put(`${tag}${i}`);
  };
  const consume = async (queue: Queue<string>, n: number): Promise<string[]> => {
    const got: string[] = [];
    for (let i = 0; i < n; i++) got.push(await queue.get());
    return got;
  };
  const numbersOf = (got: readonly string[], tag: string): number[] => got.filter((item) => item.startsWith(tag)).map((item) => Number(item.slice(1)));

  test('a thread and then a process consumer see the items of a thread and of a process producer in order', async () => {
    await using threads = makePool('thread', 1);
    await using processes = makePool('process', 1);
    const q = new Queue<string>();
    await within(Promise.all([threads.apply(produce, [q, 't']), processes.apply(produce, [q, 'p'])]), 'the producers');
    const first = await within(threads.apply(consume, [q, 300]), 'the thread consumer');
    const second = await within(processes.apply(consume, [q, 300]), 'the process consumer');
    for (const tag of ['t', 'p']) expect([...numbersOf(first, tag), ...numbersOf(second, tag)]).toEqual(range(300).map(Number));
    expect(await q.qsize()).toBe(0);
  });

  test('consumers on both sides at once are each served every item once', async () => {
    // Two workers a side: each producer runs beside its side's consumer. With one, a producer waited for its
    // side's consumer to finish, and when the main's 300 items were split so that neither consumer reached
    // 250, both waited for ever for items that only the queued producers would have put.
    await using threads = terminating(makePool('thread', 2));
    await using processes = terminating(makePool('process', 2));
    const q = new Queue<string>();
    const consumers = Promise.all([threads.apply(consume, [q, 250]), processes.apply(consume, [q, 250])]);
    await within(Promise.all([threads.apply(produce, [q, 't']), processes.apply(produce, [q, 'p']), produce(q, 'm')]), 'the producers');
    const [fromThread, fromProcess] = await within(consumers, 'the consumers');
    const rest = await within(consume(q, 400), 'the rest');
    const all = [...fromThread, ...fromProcess, ...rest];
    expect(all.length).toBe(900);
    expect(new Set(all).size).toBe(900);
    expect(await q.qsize()).toBe(0);
  });

  test('a process consumer gets items a thread put behind a large one, in order', async () => {
    await using threads = makePool('thread', 1);
    await using processes = makePool('process', 1);
    const q = new Queue<string>();
    await within(
      threads.apply(
        async (queue: Queue<string>, size: number) => {
          await queue.put('a');
          await queue.put('b'.repeat(size));
          await queue.put('c');
        },
        [q, OVER_RING],
      ),
      'the producer',
    );
    const got = await within(
      processes.apply(async (queue: Queue<string>) => [await queue.get(), await queue.get(), await queue.get()].map((item) => `${item[0]}${item.length}`), [q]),
      'the consumer',
    );
    expect(got).toEqual(['a1', `b${OVER_RING}`, 'c1']);
  });

  test('a thread terminated while it puts to a JoinableQueue never leaves join() waiting for an item that is not there', async () => {
    // A thread's put counts the item and stores it: two steps. Stopped between them, it would leave a count
    // with no item, and join() would wait for ever; so a JoinableQueue's puts from a thread go to the owner.
    // Stopped at a different point each round, while putting as fast as it can.
    for (let round = 0; round < 5; round++) {
      const pool = makePool('thread', 1);
      const q = new JoinableQueue<number>();
      const started = new Event();
      const running = pool.apply(
        async (queue: JoinableQueue<number>, e: Event) => {
          await e.set();
          for (let i = 0; ; i++) await queue.put(i);
        },
        [q, started],
      );
      running.catch(() => {});
      await within(started.wait(), 'the producer to start');
      await new Promise((resolve) => setTimeout(resolve, round * 3));
      await within(pool.terminate(), 'terminate the producer');
      for (;;) {
        try {
          await q.getNowait();
        } catch (error) {
          if (error instanceof Empty) break;
          throw error;
        }
        await q.taskDone();
      }
      await within(q.join(), `join() after round ${round}`);
    }
  });

  test('a JoinableQueue counts items put by a thread and marked done by a process', async () => {
    await using threads = makePool('thread', 1);
    await using processes = makePool('process', 1);
    const q = new JoinableQueue<number>();
    await within(
      threads.apply(
        async (queue: JoinableQueue<number>) => {
          for (let i = 1; i <= 5; i++) await queue.put(i);
        },
        [q],
      ),
      'the producer',
    );
    const joined = new Value('i', 0);
    const joining = q.join().then(() => joined.set(1));
    const consume = async (queue: JoinableQueue<number>): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < 5; i++) sum += await queue.get();
      for (let i = 0; i < 4; i++) await queue.taskDone();
      return sum;
    };
    expect(await within(processes.apply(consume, [q]), 'the consumer')).toBe(15);
    expect(joined.value).toBe(0);
    const extra = async (queue: JoinableQueue<number>): Promise<string> => {
      await queue.taskDone();
      return queue.taskDone().then(() => 'ok', (error: Error) => error.name);
    };
    expect(await within(threads.apply(extra, [q]), 'the last taskDone')).toBe('RangeError');
    await within(joining, 'join');
    expect(joined.value).toBe(1);
  });
});
