/** Future on its own: states, cancel, the executor-author setters, timeouts, done-callbacks, await, toString. */
import { CancelledError, Future, InvalidStateError, TimeoutError } from 'multipool';

import { expectStderr, warningPrintout } from './support/stderr.js';

/** Lets pending promise jobs and process.nextTick/emitWarning events run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Records what `process` emits for `event` while the test runs. */
function listen(event: 'warning' | 'unhandledRejection'): { seen: unknown[]; [Symbol.dispose](): void } {
  const seen: unknown[] = [];
  const listener = (value: unknown): void => {
    seen.push(value);
  };
  process.on(event, listener);
  return { seen, [Symbol.dispose]: () => process.off(event, listener) };
}

describe('Future states', () => {
  test('a new future is pending: not running, not done, not cancelled', () => {
    const future = new Future<number>();
    expect(future.running()).toBe(false);
    expect(future.done()).toBe(false);
    expect(future.cancelled()).toBe(false);
  });

  test('pending → running → finished with a result', async () => {
    const future = new Future<number>();
    expect(future.setRunningOrNotifyCancel()).toBe(true);
    expect(future.running()).toBe(true);
    expect(future.done()).toBe(false);
    future.setResult(42);
    expect(future.running()).toBe(false);
    expect(future.done()).toBe(true);
    expect(future.cancelled()).toBe(false);
    expect(await future.result()).toBe(42);
    expect(await future.exception()).toBeNull();
  });

  test('pending → running → finished with an error: result() rejects with it, exception() resolves to it', async () => {
    const future = new Future<number>();
    const error = new RangeError('out of range');
    future.setRunningOrNotifyCancel();
    future.setException(error);
    expect(future.done()).toBe(true);
    await expect(future.result()).rejects.toBe(error);
    expect(await future.exception()).toBe(error);
  });

  test('a pending future can be finished without running first (setResult / setException)', async () => {
    const ok = new Future<string>();
    ok.setResult('direct');
    expect(await ok.result()).toBe('direct');
    const failed = new Future<string>();
    failed.setException(new Error('direct'));
    expect(((await failed.exception()) as Error).message).toBe('direct');
  });

  test('pending → cancelled: cancel() is true, done() and cancelled() hold, result() and exception() reject with CancelledError', async () => {
    const future = new Future<number>();
    expect(future.cancel()).toBe(true);
    expect(future.cancelled()).toBe(true);
    expect(future.done()).toBe(true);
    expect(future.running()).toBe(false);
    await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
    await expect(future.exception()).rejects.toBeInstanceOf(CancelledError);
    await expect(future.result(1)).rejects.toBeInstanceOf(CancelledError);
    const error = (await future.result().catch((e: unknown) => e)) as CancelledError;
    expect(error.code).toBe('ERR_CANCELLED');
  });

  test('cancel() is true again on an already cancelled future', () => {
    const future = new Future();
    expect(future.cancel()).toBe(true);
    expect(future.cancel()).toBe(true);
    expect(future.cancelled()).toBe(true);
  });

  test('cancel() is false once running and the future keeps running to its result', async () => {
    const future = new Future<number>();
    future.setRunningOrNotifyCancel();
    expect(future.cancel()).toBe(false);
    expect(future.cancelled()).toBe(false);
    expect(future.running()).toBe(true);
    future.setResult(1);
    expect(await future.result()).toBe(1);
  });

  test('cancel() is false once finished, with a result or with an error', async () => {
    const ok = new Future<number>();
    ok.setResult(1);
    expect(ok.cancel()).toBe(false);
    expect(ok.cancelled()).toBe(false);
    expect(await ok.result()).toBe(1);
    const failed = new Future<number>();
    failed.setException(new Error('x'));
    expect(failed.cancel()).toBe(false);
    expect(failed.cancelled()).toBe(false);
  });
});

describe('Future executor-author methods', () => {
  test('setRunningOrNotifyCancel() returns false after cancel() and the future stays cancelled', () => {
    const future = new Future();
    future.cancel();
    expect(future.setRunningOrNotifyCancel()).toBe(false);
    expect(future.cancelled()).toBe(true);
    expect(future.running()).toBe(false);
  });

  test('setRunningOrNotifyCancel() throws InvalidStateError when already running or finished', () => {
    const running = new Future();
    running.setRunningOrNotifyCancel();
    expect(() => running.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    const finished = new Future();
    finished.setResult(1);
    expect(() => finished.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    const error = (() => {
      try {
        finished.setRunningOrNotifyCancel();
      } catch (e) {
        return e;
      }
      return null;
    })() as InvalidStateError;
    expect(error.code).toBe('ERR_INVALID_STATE');
  });

  test.each([
    ['setResult', 'setResult'],
    ['setResult', 'setException'],
    ['setException', 'setResult'],
    ['setException', 'setException'],
  ] as const)('%s() then %s() throws InvalidStateError and keeps the first outcome', async (first, second) => {
    const future = new Future<string>();
    const error = new Error('first');
    if (first === 'setResult') future.setResult('first');
    else future.setException(error);
    expect(() => {
      if (second === 'setResult') future.setResult('second');
      else future.setException(new Error('second'));
    }).toThrow(InvalidStateError);
    if (first === 'setResult') expect(await future.result()).toBe('first');
    else expect(await future.exception()).toBe(error);
  });

  test('setResult() and setException() on a cancelled future throw InvalidStateError', async () => {
    const future = new Future<number>();
    future.cancel();
    expect(() => future.setResult(1)).toThrow(InvalidStateError);
    expect(() => future.setException(new Error('late'))).toThrow(InvalidStateError);
    await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('Future waiting', () => {
  test('result(timeout) rejects with TimeoutError while pending, and the future can still finish afterwards', async () => {
    const future = new Future<number>();
    const error = (await future.result(0.02).catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(future.done()).toBe(false);
    future.setResult(7);
    expect(await future.result(0.02)).toBe(7);
  });

  test('exception(timeout) rejects with TimeoutError while pending', async () => {
    const future = new Future();
    future.setRunningOrNotifyCancel();
    await expect(future.exception(0.02)).rejects.toBeInstanceOf(TimeoutError);
    expect(future.running()).toBe(true);
  });

  test('result(0) on a finished future gives the result at once', async () => {
    const future = new Future<string>();
    future.setResult('ready');
    expect(await future.result(0)).toBe('ready');
    expect(await future.exception(0)).toBeNull();
  });

  test('result() resolves when the future is finished later', async () => {
    const future = new Future<number[]>();
    const waiting = future.result();
    future.setRunningOrNotifyCancel();
    future.setResult([1, 2]);
    expect(await waiting).toEqual([1, 2]);
  });

  test('`await future` gives the result or throws the error: Future is PromiseLike', async () => {
    const ok = new Future<number>();
    setImmediate(() => ok.setResult(5));
    expect(await ok).toBe(5);
    const failed = new Future<number>();
    const error = new TypeError('bad');
    failed.setException(error);
    await expect(failed).rejects.toBe(error);
    const cancelled = new Future<number>();
    cancelled.cancel();
    await expect(Promise.resolve(cancelled)).rejects.toBeInstanceOf(CancelledError);
    const chained = await ok.then((value) => value * 2);
    expect(chained).toBe(10);
  });

  test('a failed or cancelled future that nobody awaits causes no unhandledRejection', async () => {
    using rejections = listen('unhandledRejection');
    const failed = new Future();
    failed.setException(new Error('nobody listens'));
    const runningThenFailed = new Future();
    runningThenFailed.setRunningOrNotifyCancel();
    runningThenFailed.setException(new RangeError('nobody listens either'));
    new Future().cancel();
    // Node reports unhandled rejections once the microtask queue drains; two turns of the loop are plenty.
    await flush();
    await flush();
    expect(rejections.seen).toEqual([]);
  });
});

describe('Future done-callbacks', () => {
  test('addDoneCallback() on a done future runs the callback at once, with the future', () => {
    const future = new Future<number>();
    future.setResult(1);
    const seen: unknown[] = [];
    future.addDoneCallback((f) => seen.push(f));
    expect(seen).toEqual([future]);
  });

  test('callbacks added while pending run synchronously on setResult, in the order added', () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback((f) => calls.push(`first ${String(f.done())}`));
    future.addDoneCallback(() => calls.push('second'));
    future.setRunningOrNotifyCancel();
    expect(calls).toEqual([]);
    future.setResult(1);
    expect(calls).toEqual(['first true', 'second']);
  });

  test('callbacks run synchronously on setException and on cancel(), once each', () => {
    const failed = new Future();
    const cancelled = new Future();
    const calls: string[] = [];
    failed.addDoneCallback(() => calls.push('failed'));
    cancelled.addDoneCallback((f) => calls.push(`cancelled ${String(f.cancelled())}`));
    failed.setException(new Error('x'));
    expect(calls).toEqual(['failed']);
    cancelled.cancel();
    cancelled.cancel();
    expect(calls).toEqual(['failed', 'cancelled true']);
  });

  test('a callback that throws is reported with process.emitWarning and later callbacks still run', () =>
    // Node prints each warning too: expected here, so kept out of the run's output.
    expectStderr([warningPrintout('done-callback threw')], async () => {
      using warnings = listen('warning');
      const future = new Future<number>();
      const calls: string[] = [];
      future.addDoneCallback(() => {
        calls.push('first');
        throw new Error('callback exploded');
      });
      future.addDoneCallback(() => calls.push('second'));
      expect(() => future.setResult(1)).not.toThrow();
      expect(calls).toEqual(['first', 'second']);
      // A callback added after completion that throws is reported the same way.
      expect(() =>
        future.addDoneCallback(() => {
          throw new Error('late callback exploded');
        }),
      ).not.toThrow();
      await flush();
      const messages = warnings.seen.map((w) => (w as Error).message);
      expect(messages.some((m) => m.includes('callback exploded'))).toBe(true);
      expect(messages.some((m) => m.includes('late callback exploded'))).toBe(true);
      expect(await future.result()).toBe(1);
    }));

  test('addDoneCallback() with a non-function is a TypeError', () => {
    expect(() => new Future().addDoneCallback(42 as unknown as () => void)).toThrow(TypeError);
  });
});

describe('Future toString', () => {
  test('reads like Python\'s repr in every state', () => {
    const future = new Future<number>();
    expect(String(future)).toBe('<Future state=pending>');
    future.setRunningOrNotifyCancel();
    expect(String(future)).toBe('<Future state=running>');
    future.setResult(3);
    expect(String(future)).toBe('<Future state=finished returned number>');

    const failed = new Future();
    failed.setException(new RangeError('x'));
    expect(failed.toString()).toBe('<Future state=finished raised RangeError>');

    const cancelled = new Future();
    cancelled.cancel();
    expect(cancelled.toString()).toBe('<Future state=cancelled>');
    cancelled.setRunningOrNotifyCancel();
    expect(cancelled.toString()).toBe('<Future state=cancelled>');
  });

  test('names the result\'s class for objects and null', () => {
    const map = new Future<Map<string, number>>();
    map.setResult(new Map());
    expect(map.toString()).toBe('<Future state=finished returned Map>');
    const nothing = new Future<null>();
    nothing.setResult(null);
    expect(nothing.toString()).toBe('<Future state=finished returned null>');
    const text = new Future<string>();
    text.setResult('s');
    expect(text.toString()).toBe('<Future state=finished returned string>');
  });
});
