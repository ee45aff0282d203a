/** Python-faithful details a porter runs into: error constructors, wait(), options, isMain. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type {
  ApplyOptions,
  ExecutorMapOptions,
  IMapOptions,
  MapOptions,
  MultiYieldOptions,
  PoolOptions,
  ProcessPoolExecutorOptions,
  ReturnWhen,
  SubmitOptions,
  ThreadPoolExecutorOptions,
} from 'multipool';
import * as multipool from 'multipool';
import { FIRST_COMPLETED, isMain, multiYield, Pool, ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor, wait } from 'multipool';

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
    Empty: 'ERR_QUEUE_EMPTY',
    Full: 'ERR_QUEUE_FULL',
    BrokenBarrierError: 'ERR_BROKEN_BARRIER',
    ProcessError: 'ERR_PROCESS',
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

describe('unknown option keys', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['new Pool({ maxtasksperchild })', () => new Pool({ maxtasksperchild: 1 } as PoolOptions), /Unknown option `maxtasksperchild` in Pool options: did you mean `maxTasksPerChild`\?/],
    ['new ThreadPool({ max_workers })', () => new ThreadPool({ max_workers: 2 } as PoolOptions), /Unknown option `max_workers` in ThreadPool options: did you mean `processes`\?/],
    ['new Pool({ resourceLimits: { max_old_generation_size_mb } })', () => new Pool({ resourceLimits: { max_old_generation_size_mb: 64 } as PoolOptions['resourceLimits'] }), /Unknown option `max_old_generation_size_mb` in resourceLimits: did you mean `maxOldGenerationSizeMb`\?/],
    ['new ProcessPoolExecutor({ max_workers })', () => new ProcessPoolExecutor({ max_workers: 2 } as ProcessPoolExecutorOptions), /Unknown option `max_workers` in ProcessPoolExecutor options: did you mean `maxWorkers`\?/],
    ['new ProcessPoolExecutor({ processes })', () => new ProcessPoolExecutor({ processes: 2 } as ProcessPoolExecutorOptions), /did you mean `maxWorkers`\?/],
    ['new ProcessPoolExecutor({ backend })', () => new ProcessPoolExecutor({ backend: 'thread' } as ProcessPoolExecutorOptions), /Unknown option `backend` in ProcessPoolExecutor options: expected one of `maxWorkers`, `initializer`, `initargs`, `maxTasksPerChild`/],
    ['new ThreadPoolExecutor({ thread_name_prefix })', () => new ThreadPoolExecutor({ thread_name_prefix: 'io' } as ThreadPoolExecutorOptions), /did you mean `threadNamePrefix`\?/],
    ['new ThreadPoolExecutor({ maxTasksPerChild })', () => new ThreadPoolExecutor({ maxTasksPerChild: 1 } as ThreadPoolExecutorOptions), /Unknown option `maxTasksPerChild` in ThreadPoolExecutor options/],
  ])('%s is a TypeError naming the key', (_, make, message) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  describe('in method options', () => {
    let pool: Pool;
    let executor: ThreadPoolExecutor;
    beforeAll(() => {
      pool = new Pool({ processes: 1, backend: 'async' });
      executor = new ThreadPoolExecutor(1);
    });
    afterAll(async () => {
      await pool.terminate();
      await executor.shutdown();
    });
    const id = (x: number): number => x;

    test('map, starmap and their Async forms refuse an unknown key, in either options position', async () => {
      await expect(pool.map(id, [1], { chunk_size: 2 } as MapOptions<number[]>)).rejects.toThrow(/Unknown option `chunk_size` in map\(\) options: did you mean `chunksize`\?/);
      await expect(pool.map(id, [1], 2, { error_callback: () => {} } as MapOptions<number[]>)).rejects.toThrow(/did you mean `errorCallback`\?/);
      expect(() => pool.starmapAsync((a: number) => a, [[1]], { timeout: 1 } as MapOptions<number[]>)).toThrow(/Unknown option `timeout` in starmap\(\) options/);
    });

    test('imap and imapUnordered refuse an unknown key', () => {
      expect(() => pool.imap(id, [1], { callback: () => {} } as IMapOptions)).toThrow(/Unknown option `callback` in imap\(\) options: expected one of `chunksize`, `progress`/);
      expect(() => pool.imapUnordered(id, [1], { chunkSize: 2 } as IMapOptions)).toThrow(/did you mean `chunksize`\?/);
    });

    test('apply and applyAsync refuse an unknown key', async () => {
      await expect(pool.apply(() => 1, [], { error_callback: () => {} } as ApplyOptions<number>)).rejects.toThrow(/Unknown option `error_callback` in apply\(\) options: did you mean `errorCallback`\?/);
      expect(() => pool.applyAsync(() => 1, [], { chunksize: 1 } as ApplyOptions<number>)).toThrow(TypeError);
    });

    test('submitWith, executor map and shutdown refuse an unknown key', async () => {
      expect(() => executor.submitWith({ time_out: 1 } as SubmitOptions, () => 1)).toThrow(/Unknown option `time_out` in submitWith\(\) options: did you mean `timeout`\?/);
      expect(() => executor.map(id, [1], { buffer_size: 2 } as ExecutorMapOptions)).toThrow(/Unknown option `buffer_size` in map\(\) options: did you mean `buffersize`\?/);
      await expect(executor.shutdown({ cancel_futures: true } as { cancelFutures?: boolean })).rejects.toThrow(/Unknown option `cancel_futures` in shutdown\(\) options: did you mean `cancelFutures`\?/);
      expect(await executor.submit(() => 'still running')).toBe('still running');
    });

    test('multiYield and wait refuse an unknown key', async () => {
      await expect(multiYield(id, [1], { queue_size: 2, mode: 'async' } as MultiYieldOptions).next()).rejects.toThrow(/Unknown option `queue_size` in multiYield\(\) options: did you mean `queueSize`\?/);
      const future = executor.submit(() => 1);
      await expect(wait([future], { return_when: FIRST_COMPLETED } as { returnWhen?: ReturnWhen })).rejects.toThrow(/Unknown option `return_when` in wait\(\) options: did you mean `returnWhen`\?/);
      await future;
    });
  });
});

describe('isMain(import.meta)', () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

  function run(script: string): string[] {
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.trim().split('\n');
  }

  test('isMain() is true in the script Node was started with, and false in its workers', () => {
    expect(run(fixture('main-guard.ts'))).toEqual(['main-guard.ts: main code ran', 'Pool worker: isMain false', 'ThreadPool worker: isMain false']);
  });

  test('isMain() is false in a module another script imports, where !isWorker() is true', () => {
    expect(run(fixture('main-guard-importer.ts'))).toEqual(['importer: isMain true; main-guard.ts: isMain false, !isWorker() true']);
  });

  test('isMain() sees through a symlinked script and a script named without its extension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'multipool-is-main-'));
    try {
      symlinkSync(fixture('main-guard-importer.ts'), join(dir, 'linked.ts'));
      expect(run(join(dir, 'linked.ts'))).toEqual(['importer: isMain true; main-guard.ts: isMain false, !isWorker() true']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(run(fixture('main-guard-importer'))).toEqual(['importer: isMain true; main-guard.ts: isMain false, !isWorker() true']);
  });

  test('isMain() is false in a test file, which a runner imports, and refuses what is not import.meta', () => {
    expect(isMain(import.meta)).toBe(false);
    expect(() => isMain(undefined as unknown as ImportMeta)).toThrow(/Expected `meta` to be `import.meta`/);
  });
});
