/** Python-faithful details a porter runs into: error constructors, wait(), options, dispose, isMain. */
import * as multipool from 'multipool';
import { Pool } from 'multipool';

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
