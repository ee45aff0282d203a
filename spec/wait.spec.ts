/** asCompleted() and wait() over hand-made futures, finished in an order the test chooses. */
import { ALL_COMPLETED, asCompleted, FIRST_COMPLETED, FIRST_EXCEPTION, Future, TimeoutError, wait } from 'multipool';

/** Lets pending promise jobs run, so a promise that could settle has settled. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether `promise` has settled yet. */
function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function futures(n: number): Future<number>[] {
  return Array.from({ length: n }, () => new Future<number>());
}

describe('asCompleted()', () => {
  test('asCompleted() yields the already finished futures first, then the rest in completion order', async () => {
    const [a, b, c, d] = futures(4) as [Future<number>, Future<number>, Future<number>, Future<number>];
    c.setResult(3);
    a.cancel();
    const iterator = asCompleted([a, b, c, d]);
    const first = await iterator.next();
    const second = await iterator.next();
    expect(new Set([first.value, second.value])).toEqual(new Set([a, c]));
    const third = iterator.next();
    d.setResult(4);
    b.setException(new Error('b failed'));
    expect(await third).toEqual({ done: false, value: d });
    expect(await iterator.next()).toEqual({ done: false, value: b });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  test('asCompleted() records completion order even when futures finish before they are asked for', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const iterator = asCompleted([a, b, c]);
    b.setResult(2);
    c.setResult(3);
    a.setResult(1);
    expect(await drain(iterator)).toEqual([b, c, a]);
  });

  test('asCompleted() yields the Future objects themselves, not their results', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setResult(10);
    setImmediate(() => b.setResult(20));
    const seen: unknown[] = [];
    for await (const future of asCompleted([a, b])) {
      expect(future).toBeInstanceOf(Future);
      seen.push(future);
      expect(typeof (await future.result())).toBe('number');
    }
    expect(seen).toEqual([a, b]);
  });

  test('asCompleted() yields a future given twice only once', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const iterator = asCompleted([a, b, a, a]);
    a.setResult(1);
    b.setResult(2);
    expect(await drain(iterator)).toEqual([a, b]);
  });

  test('asCompleted() of no futures ends at once', async () => {
    expect(await asCompleted([]).next()).toEqual({ done: true, value: undefined });
  });

  test('asCompleted(fs, timeout) rejects with TimeoutError "N (of M) futures unfinished", counting each future once', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    a.setResult(1);
    const iterator = asCompleted([a, b, c, b], 0.05);
    expect((await iterator.next()).value).toBe(a);
    const error = (await iterator.next().catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.message).toBe('2 (of 3) futures unfinished');
  });

  test('asCompleted(fs, timeout) yields what finishes in time before it times out', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const iterator = asCompleted([a, b], 0.2);
    const next = iterator.next();
    a.setResult(1);
    expect((await next).value).toBe(a);
    await expect(iterator.next()).rejects.toThrow('1 (of 2) futures unfinished');
  });

  test('asCompleted(fs, 0) yields the finished futures, then times out on the rest', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    b.setResult(2);
    const iterator = asCompleted([a, b], 0);
    expect((await iterator.next()).value).toBe(b);
    await expect(iterator.next()).rejects.toBeInstanceOf(TimeoutError);
  });

  test('breaking out of asCompleted() leaves the futures untouched', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setResult(1);
    for await (const future of asCompleted([a, b])) {
      expect(future).toBe(a);
      break;
    }
    expect(b.done()).toBe(false);
    b.setResult(2);
    expect(await b.result()).toBe(2);
  });

  test('asCompleted() with bad arguments throws TypeError', () => {
    expect(() => asCompleted(42 as unknown as Future[])).toThrow(TypeError);
    expect(() => asCompleted(null as unknown as Future[])).toThrow(TypeError);
    expect(() => asCompleted([1, 2] as unknown as Future[])).toThrow(TypeError);
    expect(() => asCompleted([Promise.resolve(1)] as unknown as Future[])).toThrow(TypeError);
    expect(() => asCompleted([], 'soon' as unknown as number)).toThrow(TypeError);
  });
});

describe('a Map of futures, as Python passes a dict', () => {
  test('asCompleted(map) and wait(map) take the Map\'s keys, as Python iterates a dict\'s keys', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const futureToUrl = new Map([
      [a, 'https://a.example/'],
      [b, 'https://b.example/'],
    ]);
    const iterator = asCompleted(futureToUrl);
    b.setResult(2);
    const first = await iterator.next();
    expect(first.value).toBe(b);
    expect(futureToUrl.get(b)).toBe('https://b.example/');
    const { done, notDone } = await wait(futureToUrl, { timeout: 0 });
    expect([done, notDone]).toEqual([new Set([b]), new Set([a])]);
    a.setResult(1);
    expect(await drain(iterator)).toEqual([a]);
    expect(await drain(asCompleted(futureToUrl.keys()))).toEqual([a, b]);
  });
});

describe('wait()', () => {
  test('wait() returns when ALL_COMPLETED by default', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const waiting = track(wait([a, b, c]));
    a.setResult(1);
    b.cancel();
    await flush();
    expect(waiting.settled).toBe(false);
    c.setException(new Error('c failed'));
    const { done, notDone } = await waiting.promise;
    expect(done).toEqual(new Set([a, b, c]));
    expect(notDone).toEqual(new Set());
  });

  test('wait(ALL_COMPLETED) on futures that are all done returns at once', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setResult(1);
    b.setResult(2);
    const { done, notDone } = await wait([a, b], { returnWhen: ALL_COMPLETED });
    expect(done).toEqual(new Set([a, b]));
    expect(notDone.size).toBe(0);
  });

  test('wait(FIRST_COMPLETED) returns as soon as one future finishes', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const waiting = track(wait([a, b, c], { returnWhen: FIRST_COMPLETED }));
    await flush();
    expect(waiting.settled).toBe(false);
    b.setResult(2);
    const { done, notDone } = await waiting.promise;
    expect(done).toEqual(new Set([b]));
    expect(notDone).toEqual(new Set([a, c]));
  });

  test('wait(FIRST_COMPLETED) counts a cancelled future as completed', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const waiting = wait([a, b], { returnWhen: FIRST_COMPLETED });
    a.cancel();
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([a]));
    expect(notDone).toEqual(new Set([b]));
  });

  test('wait(FIRST_EXCEPTION) returns when one future fails', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const waiting = track(wait([a, b, c], { returnWhen: FIRST_EXCEPTION }));
    a.setResult(1);
    await flush();
    expect(waiting.settled).toBe(false);
    b.setException(new RangeError('b failed'));
    const { done, notDone } = await waiting.promise;
    expect(done).toEqual(new Set([a, b]));
    expect(notDone).toEqual(new Set([c]));
  });

  test('wait(FIRST_EXCEPTION) returns when all are done without failure; a cancellation is not an exception', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const waiting = track(wait([a, b, c], { returnWhen: FIRST_EXCEPTION }));
    a.setResult(1);
    b.cancel();
    await flush();
    expect(waiting.settled).toBe(false);
    c.setResult(3);
    const { done, notDone } = await waiting.promise;
    expect(done).toEqual(new Set([a, b, c]));
    expect(notDone.size).toBe(0);
  });

  test('wait(FIRST_EXCEPTION) with a future that already failed returns at once', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setException(new Error('already failed'));
    const { done, notDone } = await wait([a, b], { returnWhen: FIRST_EXCEPTION });
    expect(done).toEqual(new Set([a]));
    expect(notDone).toEqual(new Set([b]));
  });

  test('wait() with a timeout returns { done, notDone } when it runs out and never throws', async () => {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    a.setResult(1);
    const { done, notDone } = await wait([a, b, c], { timeout: 0.05 });
    expect(done).toEqual(new Set([a]));
    expect(notDone).toEqual(new Set([b, c]));
    const first = await wait([b, c], { timeout: 0.05, returnWhen: FIRST_COMPLETED });
    expect(first.done.size).toBe(0);
    expect(first.notDone).toEqual(new Set([b, c]));
  });

  test('wait() with timeout 0 reports the current state at once', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    b.setResult(2);
    const { done, notDone } = await wait([a, b], { timeout: 0 });
    expect(done).toEqual(new Set([b]));
    expect(notDone).toEqual(new Set([a]));
  });

  test('wait() with a timeout returns early once its condition holds', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const waiting = wait([a, b], { timeout: 60 });
    a.setResult(1);
    b.setResult(2);
    const { done } = await waiting;
    expect(done).toEqual(new Set([a, b]));
  });

  test('wait() counts a future given twice once', async () => {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setResult(1);
    const { done, notDone } = await wait([a, a, b, b], { timeout: 0 });
    expect([...done]).toEqual([a]);
    expect([...notDone]).toEqual([b]);
  });

  test('wait() with bad arguments rejects with TypeError', async () => {
    const [a] = futures(1) as [Future<number>];
    await expect(wait(42 as unknown as Future[])).rejects.toThrow(TypeError);
    await expect(wait([a, 'not a future'] as unknown as Future[])).rejects.toThrow(TypeError);
    await expect(wait([a], { returnWhen: 'SOMETIMES' as typeof ALL_COMPLETED })).rejects.toThrow(TypeError);
    await expect(wait([a], { timeout: 'soon' as unknown as number })).rejects.toThrow(TypeError);
    expect(a.done()).toBe(false);
  });

  test('the returnWhen constants are their own names, as in Python', () => {
    expect([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED]).toEqual(['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED']);
  });
});
