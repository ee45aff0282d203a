/** The task handler's queue on its own: fairness between task sources, put-back chunks, close, clear and wake-ups. */
import type { TaskSource } from '../../dist/engine/job.js';
import { TaskQueue } from '../../dist/engine/task-queue.js';
import type { Chunk } from '../../dist/runtime/backend.js';

function chunk(job: number, index: number): Chunk {
  return { job, index, fn: () => undefined, items: [index], star: false, perItem: false };
}

/** A task source the test feeds by hand, as a lazy imap is fed by its input. */
class FakeSource implements TaskSource {
  readonly #ready: Chunk[] = [];
  #ended = false;
  polls = 0;

  constructor(readonly job: number) {}

  /** Makes `indexes` ready; `end` says no more will come after them. */
  add(indexes: number[], end = false): this {
    for (const index of indexes) this.#ready.push(chunk(this.job, index));
    this.#ended = end;
    return this;
  }

  end(): this {
    this.#ended = true;
    return this;
  }

  poll(): Chunk | undefined {
    this.polls++;
    return this.#ready.shift();
  }

  get exhausted(): boolean {
    return this.#ended && this.#ready.length === 0;
  }
}

function drain(queue: TaskQueue): [number, number][] {
  const taken: [number, number][] = [];
  for (let next = queue.poll(); next; next = queue.poll()) taken.push([next.job, next.index]);
  return taken;
}

/** Lets every pending promise job run, so a `take()` that could resolve has resolved. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `promise`, or a rejection after `seconds`. A take() that never resolves leaves no timer behind, so without
 * this limit the test process would just exit and leave the runner waiting instead of failing.
 */
async function within<T>(promise: Promise<T>, what = 'take()', seconds = 5): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${seconds} s (a hang)`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `take()` and records when it settles. */
function taking(queue: TaskQueue): { settled: boolean; promise: Promise<Chunk | null> } {
  const state = { settled: false, promise: queue.take() };
  void state.promise.then(() => {
    state.settled = true;
  });
  return state;
}

describe('TaskQueue', () => {
  test('TaskQueue serves sources in the order they were pushed: all of the first before the second', () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1).add([0, 1, 2], true));
    queue.push(new FakeSource(2).add([0, 1], true));
    queue.push(new FakeSource(3).add([0], true));
    expect(drain(queue)).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
      [3, 0],
    ]);
  });

  test('TaskQueue skips a source with nothing ready and takes the next one’s chunk', () => {
    const queue = new TaskQueue();
    const lazy = new FakeSource(1); // an imap waiting on its input
    const eager = new FakeSource(2).add([0, 1], true);
    queue.push(lazy);
    queue.push(eager);
    expect(queue.poll()).toMatchObject({ job: 2, index: 0 });
    expect(lazy.polls).toBe(1);
  });

  test('TaskQueue goes back to an earlier source as soon as it has a chunk ready', () => {
    const queue = new TaskQueue();
    const lazy = new FakeSource(1);
    const eager = new FakeSource(2).add([0, 1, 2], true);
    queue.push(lazy);
    queue.push(eager);
    expect(queue.poll()).toMatchObject({ job: 2, index: 0 });
    lazy.add([0]);
    expect(queue.poll()).toMatchObject({ job: 1, index: 0 });
    expect(queue.poll()).toMatchObject({ job: 2, index: 1 });
  });

  test('TaskQueue polls nothing when no source has a chunk ready, and keeps the sources', () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1));
    queue.push(new FakeSource(2));
    expect(queue.poll()).toBeUndefined();
    expect(queue.size).toBe(2);
  });

  test('TaskQueue drops exhausted sources, at the head and in the middle, and never polls them again', () => {
    const queue = new TaskQueue();
    const first = new FakeSource(1).add([0], true);
    const waiting = new FakeSource(2);
    const middle = new FakeSource(3).add([0], true);
    const last = new FakeSource(4);
    for (const source of [first, waiting, middle, last]) queue.push(source);
    expect(queue.size).toBe(4);
    expect(drain(queue)).toEqual([
      [1, 0],
      [3, 0],
    ]);
    expect(queue.size).toBe(2);
    const polls = [first.polls, middle.polls];
    waiting.add([5]);
    expect(drain(queue)).toEqual([[2, 5]]);
    expect([first.polls, middle.polls]).toEqual(polls);
    last.end();
    waiting.end();
    expect(queue.poll()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  test('TaskQueue hands out a put-back chunk before any source’s chunk', () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1).add([0, 1], true));
    const taken = queue.poll()!;
    queue.putBack(taken);
    expect(queue.size).toBe(2);
    expect(queue.poll()).toBe(taken);
    expect(queue.poll()).toMatchObject({ job: 1, index: 1 });
  });

  test('TaskQueue keeps the order of sources across thousands of pushes and drops (its array compaction)', () => {
    const queue = new TaskQueue();
    const taken: [number, number][] = [];
    let pushed = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 150; i++) queue.push(new FakeSource(pushed++).add([0, 1], true));
      // Take less than was pushed, so the head runs far ahead of the array's start.
      for (let i = 0; i < 200; i++) {
        const next = queue.poll()!;
        taken.push([next.job, next.index]);
      }
    }
    taken.push(...drain(queue));
    expect(taken).toEqual(Array.from({ length: 2 * pushed }, (_, i) => [i >> 1, i & 1]));
    expect(queue.size).toBe(0);
  });

  test('TaskQueue take() returns a ready chunk at once', async () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1).add([0], true));
    expect(await within(queue.take())).toMatchObject({ job: 1, index: 0 });
  });

  test('TaskQueue take() waits while nothing is ready and a push wakes it', async () => {
    const queue = new TaskQueue();
    const take = taking(queue);
    await flush();
    expect(take.settled).toBe(false);
    queue.push(new FakeSource(1).add([0], true));
    expect(await within(take.promise)).toMatchObject({ job: 1, index: 0 });
  });

  test('TaskQueue take() waits for a source that has nothing ready until wake() says it has', async () => {
    const queue = new TaskQueue();
    const lazy = new FakeSource(1);
    queue.push(lazy);
    const take = taking(queue);
    await flush();
    expect(take.settled).toBe(false);
    lazy.add([3]);
    await flush();
    expect(take.settled).toBe(false); // the queue only looks again when woken
    queue.wake();
    expect(await within(take.promise)).toMatchObject({ job: 1, index: 3 });
  });

  test('TaskQueue take() is woken by putBack()', async () => {
    const queue = new TaskQueue();
    const take = taking(queue);
    await flush();
    const returned = chunk(9, 9);
    queue.putBack(returned);
    expect(await within(take.promise)).toBe(returned);
  });

  test('TaskQueue take() that wakes with still nothing ready goes on waiting', async () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1));
    const take = taking(queue);
    queue.wake();
    await flush();
    expect(take.settled).toBe(false);
    queue.push(new FakeSource(2).add([0], true));
    expect(await within(take.promise)).toMatchObject({ job: 2, index: 0 });
  });

  test('TaskQueue after close() still hands out what is queued, then take() resolves null', async () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1).add([0, 1], true));
    queue.putBack(chunk(7, 0));
    queue.close();
    expect(await within(queue.take())).toMatchObject({ job: 7, index: 0 });
    expect(await within(queue.take())).toMatchObject({ job: 1, index: 0 });
    expect(await within(queue.take())).toMatchObject({ job: 1, index: 1 });
    expect(await within(queue.take())).toBeNull();
    expect(await within(queue.take())).toBeNull();
  });

  test('TaskQueue close() wakes a waiting take() with null', async () => {
    const queue = new TaskQueue();
    const take = taking(queue);
    await flush();
    expect(take.settled).toBe(false);
    queue.close();
    expect(await within(take.promise)).toBeNull();
  });

  test('TaskQueue after close() waits for a live source with nothing ready, and resolves null once it is exhausted', async () => {
    const queue = new TaskQueue();
    const lazy = new FakeSource(1);
    queue.push(lazy);
    queue.close();
    const take = taking(queue);
    await flush();
    expect(take.settled).toBe(false);
    lazy.add([0]);
    queue.wake();
    expect(await within(take.promise)).toMatchObject({ job: 1, index: 0 });
    const last = taking(queue);
    await flush();
    expect(last.settled).toBe(false);
    lazy.end();
    queue.wake();
    expect(await within(last.promise)).toBeNull();
  });

  test('TaskQueue clear() drops every source and put-back chunk', () => {
    const queue = new TaskQueue();
    const source = new FakeSource(1).add([0, 1, 2]);
    queue.push(source);
    queue.push(new FakeSource(2).add([0], true));
    queue.putBack(chunk(3, 0));
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.poll()).toBeUndefined();
    const polls = source.polls;
    queue.poll();
    expect(source.polls).toBe(polls);
  });

  test('TaskQueue clear() then close() resolves a waiting take() with null', async () => {
    const queue = new TaskQueue();
    queue.push(new FakeSource(1));
    const take = taking(queue);
    await flush();
    queue.clear();
    queue.close();
    expect(await within(take.promise)).toBeNull();
  });
});
