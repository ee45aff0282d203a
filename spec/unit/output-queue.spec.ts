/** A lazy iterator's output queue on its own: entry kinds, order, clear, and that compaction loses nothing. */
import { EMPTY, ERROR, OutputQueue, VALUE } from '../../dist/engine/output-queue.js';

type Entry = { kind: typeof VALUE; value: unknown; chunk: number | undefined } | { kind: typeof ERROR; value: unknown; chunk: undefined };

/** Takes the next entry as one record (or null when the queue is empty). */
function next(queue: OutputQueue): Entry | null {
  const kind = queue.take();
  if (kind === EMPTY) return null;
  return { kind, value: queue.taken, chunk: queue.takenChunk } as Entry;
}

function takeAll(queue: OutputQueue): Entry[] {
  const out: Entry[] = [];
  for (let entry = next(queue); entry; entry = next(queue)) out.push(entry);
  return out;
}

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('OutputQueue', () => {
  test('OutputQueue starts empty: take() returns EMPTY', () => {
    const queue = new OutputQueue();
    expect(queue.empty).toBe(true);
    expect(queue.take()).toBe(EMPTY);
  });

  test('OutputQueue gives pushed values back in order, as VALUE with the value in `taken`', () => {
    const queue = new OutputQueue();
    queue.push('a');
    queue.push(2);
    queue.push({ three: 3 });
    expect(queue.empty).toBe(false);
    expect(takeAll(queue)).toEqual([
      { kind: VALUE, value: 'a', chunk: undefined },
      { kind: VALUE, value: 2, chunk: undefined },
      { kind: VALUE, value: { three: 3 }, chunk: undefined },
    ]);
    expect(queue.empty).toBe(true);
  });

  test('OutputQueue gives an error back as ERROR in its place among the values', () => {
    const queue = new OutputQueue();
    const error = new Error('item 1 failed');
    queue.push(0);
    queue.pushError(error);
    queue.push(2);
    expect(takeAll(queue)).toEqual([
      { kind: VALUE, value: 0, chunk: undefined },
      { kind: ERROR, value: error, chunk: undefined },
      { kind: VALUE, value: 2, chunk: undefined },
    ]);
  });

  test('OutputQueue tells an undefined value from an error, and a thrown undefined is still an ERROR', () => {
    const queue = new OutputQueue();
    queue.push(undefined);
    queue.pushError(undefined);
    queue.push(null);
    expect(takeAll(queue).map((entry) => [entry.kind, entry.value])).toEqual([
      [VALUE, undefined],
      [ERROR, undefined],
      [VALUE, null],
    ]);
  });

  test('OutputQueue gives a streamed item back with the index of its chunk in `takenChunk`; other entries have none', () => {
    const queue = new OutputQueue();
    queue.pushStreamed('s1', 4);
    queue.push('plain');
    queue.pushStreamed('s2', 4);
    queue.pushStreamed('s3', 9);
    queue.pushError('failed');
    expect(takeAll(queue)).toEqual([
      { kind: VALUE, value: 's1', chunk: 4 },
      { kind: VALUE, value: 'plain', chunk: undefined },
      { kind: VALUE, value: 's2', chunk: 4 },
      { kind: VALUE, value: 's3', chunk: 9 },
      { kind: ERROR, value: 'failed', chunk: undefined },
    ]);
  });

  test('OutputQueue take() on an emptied queue leaves it usable: later pushes come out next', () => {
    const queue = new OutputQueue();
    queue.push(1);
    expect(next(queue)).toEqual({ kind: VALUE, value: 1, chunk: undefined });
    expect(queue.take()).toBe(EMPTY);
    queue.pushError('e');
    queue.pushStreamed('s', 0);
    expect(takeAll(queue)).toEqual([
      { kind: ERROR, value: 'e', chunk: undefined },
      { kind: VALUE, value: 's', chunk: 0 },
    ]);
  });

  test('OutputQueue clear() drops every entry, and what is pushed afterwards keeps its kind', () => {
    const queue = new OutputQueue();
    queue.push(1);
    queue.pushError('old error');
    queue.pushStreamed('old streamed', 3);
    expect(next(queue)?.value).toBe(1);
    queue.clear();
    expect(queue.empty).toBe(true);
    expect(queue.take()).toBe(EMPTY);
    queue.push('new');
    queue.push('new 2');
    queue.pushError('new error');
    expect(takeAll(queue)).toEqual([
      { kind: VALUE, value: 'new', chunk: undefined },
      { kind: VALUE, value: 'new 2', chunk: undefined },
      { kind: ERROR, value: 'new error', chunk: undefined },
    ]);
  });

  test('OutputQueue keeps errors and chunk indexes at their entries across compaction of a long backlog', () => {
    const queue = new OutputQueue();
    const expected: Entry[] = [];
    const add = (i: number): void => {
      if (i % 7 === 3) {
        queue.pushError(`error ${i}`);
        expected.push({ kind: ERROR, value: `error ${i}`, chunk: undefined });
      } else if (i % 5 === 1) {
        queue.pushStreamed(i, i - 1);
        expected.push({ kind: VALUE, value: i, chunk: i - 1 });
      } else {
        queue.push(i);
        expected.push({ kind: VALUE, value: i, chunk: undefined });
      }
    };
    for (let i = 0; i < 5000; i++) add(i);
    const got: Entry[] = [];
    // Taking 3000 of 5000 passes the point where the queue drops the front of its array.
    for (let i = 0; i < 3000; i++) got.push(next(queue)!);
    for (let i = 5000; i < 9000; i++) add(i);
    got.push(...takeAll(queue));
    expect(got).toEqual(expected);
  });

  test('OutputQueue loses and reorders nothing over 10,000 random push/pushError/pushStreamed/take/clear operations', () => {
    for (const seed of [1, 2, 3]) {
      const rand = random(seed);
      const queue = new OutputQueue();
      let reference: Entry[] = [];
      // Compared once at the end: an expect() per operation would make this test slow.
      const got: (Entry | null)[] = [];
      const want: (Entry | null)[] = [];
      const emptyMismatches: number[] = [];
      let n = 0;
      for (let op = 0; op < 10_000; op++) {
        const r = rand();
        // Bursts of pushes and of takes, so the backlog grows past the compaction threshold and shrinks again.
        const pushing = Math.floor(op / 1500) % 2 === 0 ? r < 0.7 : r < 0.35;
        if (r > 0.9995) {
          queue.clear();
          reference = [];
        } else if (pushing) {
          const kind = rand();
          const value = n++;
          if (kind < 0.1) {
            queue.pushError(value);
            reference.push({ kind: ERROR, value, chunk: undefined });
          } else if (kind < 0.3) {
            const chunk = Math.floor(rand() * 100);
            queue.pushStreamed(value, chunk);
            reference.push({ kind: VALUE, value, chunk });
          } else {
            queue.push(value);
            reference.push({ kind: VALUE, value, chunk: undefined });
          }
        } else {
          got.push(next(queue));
          want.push(reference.shift() ?? null);
        }
        if (queue.empty !== (reference.length === 0)) emptyMismatches.push(op);
      }
      got.push(...takeAll(queue));
      want.push(...reference);
      expect(got).toEqual(want);
      expect(emptyMismatches).toEqual([]);
      expect(want.filter((entry) => entry !== null).length).toBeGreaterThan(3000); // the run did take a lot
    }
  });
});
