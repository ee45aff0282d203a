/** Python-faithful details a porter runs into: error constructors, wait(), options, dispose, isMain. */
import type { PoolOptions } from 'multipool';
import * as multipool from 'multipool';
import { multiYield, Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor } from 'multipool';

import { eventually, threadCount, warmThreads, workerChildren } from './support/helpers.js';

describe('error classes', () => {
  const codes: Record<string, string> = {
    TimeoutError: 'ERR_TIMEOUT',
    CancelledError: 'ERR_CANCELLED',
    InvalidStateError: 'ERR_INVALID_STATE',
    BrokenExecutor: 'ERR_BROKEN_EXECUTOR',
    BrokenProcessPool: 'ERR_BROKEN_PROCESS_POOL',
    BrokenThreadPool: 'ERR_BROKEN_THREAD_POOL',
    MaybeEncodingError: 'ERR_MAYBE_ENCODING',
    RemoteTraceback: 'ERR_REMOTE_TRACEBACK',
    WorkerLostError: 'ERR_WORKER_LOST',
  };
  // Every exported class that makes errors, so a class added later is checked too.
  const classes = Object.entries(multipool as Record<string, unknown>).filter(
    (entry): entry is [string, new (message: string) => Error] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );

  test('every exported error class is in the table of codes', () => {
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(codes).sort());
  });

  test.each(classes)('new %s(message) works with just a message, as in Python', (name, ErrorClass) => {
    const error = new ErrorClass('msg');
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.message).toContain('msg');
    expect((error as Error & { code: unknown }).code).toBe(codes[name]);
  });

  test('new WorkerLostError(message) has no exit code and no signal', () => {
    const error = new multipool.WorkerLostError('lost');
    expect(error.message).toBe('lost');
    expect([error.exitCode, error.signal]).toEqual([null, null]);
  });

  test('MaybeEncodingError takes a message, or (exc, value) as Python builds it', () => {
    const alone = new multipool.MaybeEncodingError('could not send');
    expect(alone.message).toBe('could not send');
    const exc = new Error('could not be cloned');
    const paired = new multipool.MaybeEncodingError(exc, 'a function');
    expect([paired.exc, paired.value]).toEqual([exc, 'a function']);
    expect(paired.message).toBe('Error sending result: a function. Reason: could not be cloned');
  });
});

describe('AsyncResult.wait()', () => {
  test('wait() resolves when the task threw a TypeError or a RangeError: it never rejects', async () => {
    await using pool = new Pool({ processes: 1, backend: 'async' });
    const typeError = pool.applyAsync(() => {
      throw new TypeError('the task is wrong');
    });
    const rangeError = pool.mapAsync((x: number) => {
      throw new RangeError(`item ${x}`);
    }, [1]);
    await expect(typeError.wait()).resolves.toBeUndefined();
    await expect(typeError.wait(5)).resolves.toBeUndefined();
    await expect(rangeError.wait(5)).resolves.toBeUndefined();
    expect([typeError.successful(), rangeError.successful()]).toEqual([false, false]);
  });

  test('wait() refuses a bad timeout: a RangeError for a negative one, a TypeError for a string', async () => {
    await using pool = new Pool({ processes: 1, backend: 'async' });
    const result = pool.applyAsync(() => 1);
    await expect(result.wait(-1)).rejects.toThrow(RangeError);
    await expect(result.wait('1' as unknown as number)).rejects.toThrow(TypeError);
  });
});

describe('options are checked before any worker starts', () => {
  beforeAll(warmThreads);

  /**
   * `make` must throw and leave nothing behind. A leaked engine would start its workers at once or a few ticks later,
   * so a working pool of the same kind runs a task first (by then a leak has started), and once that pool is gone the
   * thread and child-process counts must be back where they were.
   */
  async function expectNothingStarted(make: () => unknown, error: RegExp, control: () => Promise<void>): Promise<void> {
    const threads = threadCount();
    expect(workerChildren()).toEqual([]);
    expect(make).toThrow(error);
    await control();
    expect(await eventually(() => threadCount() <= threads && workerChildren().length === 0)).toBe(true);
  }

  const runPool = (Kind: typeof Pool) => async () => {
    const pool = new Kind(1);
    await pool.apply(() => 1);
    await pool.terminate();
  };
  const runExecutor = (Kind: typeof ThreadPoolExecutor | typeof ProcessPoolExecutor) => async () => {
    const executor = new Kind(1);
    await executor.submit(() => 1);
    await executor.shutdown();
  };

  test('new Pool() with a bad option throws and starts no process', async () => {
    await expectNothingStarted(() => new Pool({ processes: 2, resourceLimits: 64 as unknown as PoolOptions['resourceLimits'] }), /`resourceLimits`/, runPool(Pool));
  });

  test('new ThreadPool() with a bad option throws and starts no thread', async () => {
    await expectNothingStarted(() => new ThreadPool({ processes: 2, maxTasksPerChild: 0 }), /`maxTasksPerChild`/, runPool(ThreadPool));
  });

  test('new ThreadPoolExecutor() with a bad threadNamePrefix throws and starts no thread', async () => {
    await expectNothingStarted(() => new ThreadPoolExecutor({ threadNamePrefix: 5 as unknown as string }), /`threadNamePrefix`/, runExecutor(ThreadPoolExecutor));
  });

  test('new ProcessPoolExecutor() with a bad option throws and starts no process', async () => {
    await expectNothingStarted(
      () => new ProcessPoolExecutor({ maxWorkers: 2, initializer: () => {}, initargs: [Symbol('s')] }),
      /`initargs` argument 0/,
      runExecutor(ProcessPoolExecutor),
    );
  });

  test.each(['thread', 'process'] as const)('multiYield() in %s mode with a bad option rejects and starts no worker', async (mode) => {
    const threads = threadCount();
    const items = multiYield((x: number) => x, [1, 2], { mode, workers: 2, queueSize: 0 });
    await expect(items.next()).rejects.toThrow(/`queueSize`/);
    const control = multiYield((x: number) => x, [1], { mode, workers: 1 });
    for await (const _ of control) break;
    expect(await eventually(() => threadCount() <= threads && workerChildren().length === 0)).toBe(true);
  });
});
