/**
 * The fault matrix: every fault × every backend it applies to, built as data (FAULTS × TARGETS).
 * Each cell checks the error (class, message, cause), that nothing hangs (a 20 s limit per cell,
 * enforced by the cell itself since jest-light-runner ignores jest's timeout, and shorter deadlines
 * inside), that no worker outlives the pool, and the state afterwards: still serving (a follow-up
 * succeeds), broken as Python specifies (a later submit throws the Broken class), or closed.
 * Cells hit by a known library bug are marked `[known bug]` and run inverted.
 */
import type { Executor, Future, MultiYieldMode, PoolOptions } from 'multipool';
import {
  Barrier,
  BrokenBarrierError,
  BrokenProcessPool,
  BrokenThreadPool,
  CancelledError,
  Event,
  Lock,
  MaybeEncodingError,
  multiYield,
  Pool,
  ProcessPoolExecutor,
  Queue,
  RemoteTraceback,
  Semaphore,
  task,
  ThreadPool,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerLostError,
} from 'multipool';

import { exhaustHeap, exitWith, failInit, getThenExit, holdLockThenExit, holdPermitThenExit, killSelf, sleepThen, throwCoded, unclonableResult, waitAtBarrierThenExit, waitForever } from './fixtures/tasks.js';
import { eventually, range, workerChildren } from './support/helpers.js';
import { expectStderr, HEAP_LIMIT, warningPrintout } from './support/stderr.js';

const tasks = new URL('./fixtures/tasks.ts', import.meta.url);

/** Every cell's own jest timeout: a hang fails the cell instead of the run. */
const CELL_TIMEOUT = 20_000;
/** Deadlines inside a cell, well under CELL_TIMEOUT, so the cleanup still runs after a hang. */
const PROVOKE_DEADLINE = 12_000;
const CLOSE_DEADLINE = 5_000;
/** The longest wait, in seconds, for a primitive a dead worker held; well under PROVOKE_DEADLINE. */
const PRIMITIVE_WAIT = 5;

type AnyFn = (...args: never[]) => unknown;
type Fn = (...args: unknown[]) => unknown;
type Kind = 'process' | 'thread' | 'async';
type Family = 'pool' | 'executor' | 'stream';
type ErrorClass = abstract new (...args: never[]) => Error;
type State = 'serving' | 'broken' | 'closed';

interface Limits {
  timeout?: number;
  signal?: AbortSignal;
}

interface CreateOptions {
  workers: number;
  initializer?: AnyFn | undefined;
  resourceLimits?: PoolOptions['resourceLimits'];
}

/** One pool, executor or multiYield run, behind the few operations the faults need. */
interface Subject {
  /** One call: `apply` / `submitWith(...).result()` / a one-seed `multiYield`. */
  call(fn: AnyFn, args: unknown[], limits?: Limits): Promise<unknown>;
  /** A lazy stream: `imap(fn, source, 1)` / `executor.map(fn, source)` / `multiYield(fn, source)`. */
  stream(fn: AnyFn, source: Iterable<unknown>): AsyncIterable<unknown>;
  /** Work that must succeed while serving. */
  followUp(): Promise<void>;
  /** A synchronous submission (`applyAsync` / `submit`), which throws once broken or closed. */
  submitNow(): void;
  /** Resolves at the next `taskStart` event. */
  nextTaskStart(): Promise<void>;
  /** `terminate()` / `shutdown({ wait: false, cancelFutures: true })`. */
  stop(): Promise<void>;
  /** Graceful end: `close()` + `join()` / `shutdown()`; rejects if that hangs. */
  close(): Promise<void>;
  /** What the pool emitted on `'error'`. */
  readonly emitted: unknown[];
  /** What the pool's events told; null for multiYield (it has none). */
  readonly events: Events | null;
  readonly pool?: Pool;
  readonly executor?: Executor;
}

/** Counts of a pool's or executor's events, and its worker pids. */
interface Events {
  started: number;
  exited: number;
  tasks: number;
  readonly pids: number[];
}

interface Target {
  readonly name: string;
  readonly kind: Kind;
  readonly family: Family;
  /** What a broken instance throws. */
  readonly broken: typeof BrokenProcessPool | typeof BrokenThreadPool;
  create(options: CreateOptions): Subject;
}

interface Expected {
  /** The class of the error the fault surfaces, or null when the fault surfaces none. */
  readonly error: ErrorClass | null;
  readonly name?: string;
  readonly message?: RegExp;
  readonly check?: (error: Error) => void;
  readonly state: State;
}

/** A cell that fails because of a known library bug: it passes while `failure` is what fails, and fails once fixed. */
interface KnownBug {
  readonly failure: RegExp;
  readonly note: string;
}

interface Fault {
  readonly name: string;
  readonly applies: (target: Target) => boolean;
  readonly knownBug?: (target: Target) => KnownBug | undefined;
  /** Pool/executor options beyond the worker count. */
  readonly options?: Partial<CreateOptions>;
  /** Provokes the fault; returns the error it surfaced (undefined for none). May assert fault-specific details. */
  readonly provoke: (subject: Subject, target: Target) => Promise<unknown>;
  readonly expected: (target: Target) => Expected;
  /** What Node prints on stderr when the fault happens (a dying child's report, a warning): expected, kept out of the run's output. */
  readonly stderr?: (target: Target) => RegExp[];
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function within<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection of `promise`; fails if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, got ${String(value)}`);
}

/** The error that ends iterating `stream`; fails if it ends cleanly. */
async function streamError(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _item of stream) {
      // Drain it until it throws.
    }
  } catch (error) {
    return error;
  }
  throw new Error('expected the stream to throw, it ended cleanly');
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An endless source of 0, 1, 2, … counting what it handed out and its `return()` calls. */
class Naturals implements IterableIterator<number> {
  pulled = 0;
  returned = 0;

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<number> {
    return { done: false, value: this.pulled++ };
  }

  return(): IteratorResult<number> {
    this.returned++;
    return { done: true, value: undefined };
  }
}

const doubled = range(8).map((x) => x * 2);

// ---------------------------------------------------------------------------------------------
// Targets

function observe(emitter: Pool | Executor): Events {
  const events: Events = { started: 0, exited: 0, tasks: 0, pids: [] };
  emitter.on('workerStart', ({ pid, threadId }) => {
    events.started++;
    if (threadId === undefined && pid !== undefined && pid !== process.pid) events.pids.push(pid);
  });
  emitter.on('workerExit', () => events.exited++);
  emitter.on('taskStart', () => events.tasks++);
  return events;
}

/** Last resort after a hang: SIGKILL the worker processes still alive, so later cells see no orphans of this one. */
function killLeftovers(events: Events): void {
  for (const pid of events.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function poolSubject(pool: Pool): Subject {
  const emitted: unknown[] = [];
  pool.on('error', (error) => emitted.push(error));
  return {
    pool,
    events: observe(pool),
    emitted,
    call: (fn, args, limits) => pool.apply(fn as Fn, args, limits),
    stream: (fn, source) => pool.imap(fn as Fn, source, 1),
    followUp: async () => {
      expect(await pool.map((x: number) => x * 2, range(8))).toEqual(doubled);
      expect(await pool.apply((a: number, b: number) => a + b, [40, 2])).toBe(42);
      expect(await eventually(() => pool.outstanding === 0)).toBe(true);
    },
    submitNow: () => void pool.applyAsync(() => 1),
    nextTaskStart: () => new Promise((resolve) => pool.once('taskStart', () => resolve())),
    stop: () => pool.terminate(),
    close: async () => {
      try {
        await within(CLOSE_DEADLINE, 'close() + join()', async () => {
          pool.close();
          await pool.join();
        });
      } finally {
        await pool.terminate();
      }
    },
  };
}

function executorSubject(executor: Executor): Subject {
  const events = observe(executor);
  return {
    executor,
    events,
    emitted: [],
    call: (fn, args, limits) => (limits ? executor.submitWith(limits, fn as Fn, ...args) : executor.submit(fn as Fn, ...args)).result(),
    stream: (fn, source) => executor.map(fn as Fn, source),
    followUp: async () => {
      expect(await executor.submit((a: number, b: number) => a + b, 40, 2)).toBe(42);
      const out: number[] = [];
      for await (const x of executor.map((x: number) => x * 2, range(8))) out.push(x);
      expect(out).toEqual(doubled);
    },
    submitNow: () => void executor.submit(() => 1),
    nextTaskStart: () => new Promise((resolve) => executor.once('taskStart', () => resolve())),
    stop: () => executor.shutdown({ wait: false, cancelFutures: true }),
    close: async () => {
      try {
        await within(CLOSE_DEADLINE, 'shutdown()', () => executor.shutdown());
      } catch (error) {
        killLeftovers(events); // an executor has no terminate()
        throw error;
      }
    },
  };
}

function streamSubject(mode: MultiYieldMode, workers: number): Subject {
  const options = { mode, workers };
  const unsupported = (): never => {
    throw new Error('multiYield has no such operation');
  };
  return {
    events: null,
    emitted: [],
    call: async (fn, args) => {
      for await (const value of multiYield(fn as Fn, [args[0]], options)) return value;
      throw new Error('multiYield yielded nothing');
    },
    stream: (fn, source) => multiYield(fn as Fn, source, options),
    followUp: async () => {
      const out: number[] = [];
      for await (const x of multiYield((x: number) => x * 2, range(8), options)) out.push(x);
      expect(out.sort((a, b) => a - b)).toEqual(doubled);
    },
    submitNow: unsupported,
    nextTaskStart: unsupported,
    stop: unsupported,
    // multiYield releases everything when its loop ends: nothing to close.
    close: async () => {},
  };
}

const TARGETS: readonly Target[] = [
  {
    name: 'Pool',
    kind: 'process',
    family: 'pool',
    broken: BrokenProcessPool,
    create: (o) => poolSubject(new Pool({ processes: o.workers, initializer: o.initializer, resourceLimits: o.resourceLimits })),
  },
  {
    name: 'ThreadPool',
    kind: 'thread',
    family: 'pool',
    broken: BrokenThreadPool,
    create: (o) => poolSubject(new ThreadPool({ processes: o.workers, initializer: o.initializer, resourceLimits: o.resourceLimits })),
  },
  {
    name: 'async Pool',
    kind: 'async',
    family: 'pool',
    // As spec/pool-lifecycle.spec.ts: the in-process backend breaks as a thread pool.
    broken: BrokenThreadPool,
    create: (o) => poolSubject(new Pool({ processes: o.workers, initializer: o.initializer, backend: 'async' })),
  },
  {
    name: 'ProcessPoolExecutor',
    kind: 'process',
    family: 'executor',
    broken: BrokenProcessPool,
    create: (o) => executorSubject(new ProcessPoolExecutor({ maxWorkers: o.workers, initializer: o.initializer })),
  },
  {
    name: 'ThreadPoolExecutor',
    kind: 'thread',
    family: 'executor',
    broken: BrokenThreadPool,
    create: (o) => executorSubject(new ThreadPoolExecutor({ maxWorkers: o.workers, initializer: o.initializer })),
  },
  ...(['process', 'thread', 'async'] as const).map(
    (mode): Target => ({
      name: `multiYield '${mode}'`,
      kind: mode,
      family: 'stream',
      broken: mode === 'process' ? BrokenProcessPool : BrokenThreadPool,
      create: (o) => streamSubject(mode, o.workers),
    }),
  ),
];

// ---------------------------------------------------------------------------------------------
// Faults

const CALLBACK_ERROR = new SyntaxError('callback refused');
const CONSUMER_ERROR = new URIError('consumer gave up');
const ABORT_REASON = new Error('the user pressed stop');

const remote = (frame: RegExp) => (error: Error): void => {
  expect(error.cause).toBeInstanceOf(RemoteTraceback);
  expect((error.cause as RemoteTraceback).tb).toMatch(frame);
};

/** A worker that died mid-task: WorkerLostError on pools and multiYield (serving on), Broken* on executors (Python). */
function workerDeath(pattern: RegExp, exit: { exitCode: number | null; signal: string | null }) {
  return (target: Target): Expected =>
    target.family === 'executor'
      ? {
          error: target.broken,
          message: new RegExp(`terminated abruptly, the ${target.kind} pool is not usable anymore \\(${target.kind === 'process' ? 'process' : 'thread'} \\d+ ${pattern.source}\\)`),
          check: (error) => expect(error).toMatchObject({ code: target.kind === 'process' ? 'ERR_BROKEN_PROCESS_POOL' : 'ERR_BROKEN_THREAD_POOL' }),
          state: 'broken',
        }
      : {
          error: WorkerLostError,
          message: new RegExp(`^Worker \\d+ \\(${target.kind} \\d+\\) ${pattern.source} while running input item 0 of job \\d+$`),
          check: (error) => expect(error).toMatchObject({ code: 'ERR_WORKER_LOST', ...exit }),
          state: 'serving',
        };
}

const isPoolLike = (t: Target): boolean => t.family !== 'stream';
const clones = (t: Target): boolean => t.kind !== 'async';

/** Breaks out of (or throws inside) a stream over an endless source after 5 items; checks the source was closed and left alone. */
async function leaveStream(subject: Subject, target: Target, how: 'break' | 'throw'): Promise<unknown> {
  const source = new Naturals();
  const seen: unknown[] = [];
  let thrown: unknown;
  try {
    for await (const value of subject.stream((x: number) => x + 1, source)) {
      seen.push(value);
      if (seen.length === 5) {
        if (how === 'throw') throw CONSUMER_ERROR;
        break;
      }
    }
  } catch (error) {
    thrown = error;
  }
  if (target.family === 'stream') {
    expect(seen).toHaveLength(5);
    // "releases every resource within a second"
    expect(await eventually(() => workerChildren().length === 0, 1000)).toBe(true);
  } else {
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  }
  expect(await eventually(() => source.returned === 1, 1000)).toBe(true);
  const pulled = source.pulled;
  await delay(200);
  expect(source.pulled).toBe(pulled); // no pulling after leaving
  expect(source.returned).toBe(1);
  if (subject.pool) {
    const { pool } = subject;
    expect(await eventually(() => pool.outstanding === 0, 1000)).toBe(true);
  }
  return thrown;
}

const FAULTS: readonly Fault[] = [
  {
    name: 'task throws',
    applies: () => true,
    provoke: (s) => rejection(s.call(task(tasks, throwCoded), ['bad seed'])),
    expected: () => ({
      error: RangeError,
      name: 'RangeError',
      message: /^bad seed$/,
      check: (error) => {
        expect(error).toMatchObject({ code: 'E_BAD_SEED', seed: 7 });
        remote(/throwCoded/)(error);
      },
      state: 'serving',
    }),
  },
  {
    name: 'process.exit(3) in a task',
    applies: clones,
    provoke: (s) => rejection(s.call(task(tasks, exitWith), [3])),
    expected: workerDeath(/exited with code 3/, { exitCode: 3, signal: null }),
  },
  {
    name: 'SIGKILL of the worker',
    applies: (t) => t.kind === 'process',
    provoke: (s) => rejection(s.call(task(tasks, killSelf), [])),
    expected: workerDeath(/was killed by signal SIGKILL/, { exitCode: null, signal: 'SIGKILL' }),
  },
  {
    name: 'the worker dies holding a Lock: the lock is released',
    applies: clones,
    provoke: async (s) => {
      const lock = new Lock();
      const error = await rejection(s.call(task(tasks, holdLockThenExit), [lock]));
      expect(await lock.acquire(true, PRIMITIVE_WAIT)).toBe(true);
      return error;
    },
    expected: workerDeath(/exited with code 3/, { exitCode: 3, signal: null }),
  },
  {
    name: 'the worker dies holding a Semaphore permit: the permit is given back',
    applies: clones,
    provoke: async (s) => {
      const sem = new Semaphore(1);
      const error = await rejection(s.call(task(tasks, holdPermitThenExit), [sem]));
      expect(await sem.acquire(true, PRIMITIVE_WAIT)).toBe(true);
      return error;
    },
    expected: workerDeath(/exited with code 3/, { exitCode: 3, signal: null }),
  },
  {
    name: 'the worker dies waiting on Queue.get(): no item is lost',
    applies: clones,
    provoke: async (s) => {
      const queue = new Queue<string>();
      const waiting = new Event();
      const error = await rejection(s.call(task(tasks, getThenExit), [{ queue, waiting }]));
      expect(await waiting.isSet()).toBe(true);
      await queue.put('kept');
      expect(await queue.get(true, PRIMITIVE_WAIT)).toBe('kept');
      return error;
    },
    expected: workerDeath(/exited with code 3/, { exitCode: 3, signal: null }),
  },
  {
    name: 'the worker dies waiting at a Barrier: the barrier breaks instead of hanging',
    applies: clones,
    provoke: async (s) => {
      const barrier = new Barrier(3);
      const owner = barrier.wait().then(() => 'passed', (error: unknown) => error);
      const error = await rejection(s.call(task(tasks, waitAtBarrierThenExit), [barrier]));
      expect(await owner).toBeInstanceOf(BrokenBarrierError);
      return error;
    },
    expected: workerDeath(/exited with code 3/, { exitCode: 3, signal: null }),
  },
  {
    name: 'out of memory (resourceLimits maxOldGenerationSizeMb 64)',
    // The option exists on Pool/ThreadPool only; the async backend would take the test process down.
    applies: (t) => t.family === 'pool' && t.kind !== 'async',
    options: { resourceLimits: { maxOldGenerationSizeMb: 64 } },
    provoke: (s) => rejection(s.call(task(tasks, exhaustHeap), [])),
    stderr: (t) => (t.kind === 'process' ? [HEAP_LIMIT] : []),
    // A process aborts in V8's fatal OOM handler; a thread is stopped by its resource limit.
    expected: (t) =>
      t.kind === 'process'
        ? workerDeath(/was killed by signal SIGABRT/, { exitCode: null, signal: 'SIGABRT' })(t)
        : workerDeath(/exited with code 1/, { exitCode: 1, signal: null })(t),
  },
  {
    name: 'unclonable argument',
    applies: clones,
    provoke: (s, t) =>
      t.family === 'stream'
        ? streamError(s.stream((x: unknown) => x, [1, () => 2, 3]))
        : rejection(s.call((a: number, _f: unknown) => a, [1, () => 2])),
    expected: (t) => ({
      error: TypeError,
      message: t.family === 'stream' ? /^Cannot send argument 0 of input item 1 to a worker: .*could not be cloned/ : /^Cannot send argument 1 to a worker: .*could not be cloned/,
      state: 'serving',
    }),
  },
  {
    name: 'unclonable result',
    applies: clones,
    provoke: (s) => rejection(s.call(task(tasks, unclonableResult), [])),
    expected: () => ({
      error: MaybeEncodingError,
      message: /^Error sending result: an object \(Object\)\. Reason: .*could not be cloned/,
      check: (error) => {
        expect(error).toMatchObject({ code: 'ERR_MAYBE_ENCODING', value: 'an object (Object)' });
        expect((error as { exc?: unknown }).exc).toBeInstanceOf(Error);
      },
      state: 'serving',
    }),
  },
  {
    name: 'initializer throws',
    applies: isPoolLike,
    options: { initializer: task(tasks, failInit) },
    provoke: async (s) => {
      const error = await rejection(s.call((x: number) => x, [1]));
      // No endless respawning: the pool stops its workers and starts no more.
      expect(await eventually(() => workerChildren().length === 0, 2000)).toBe(true);
      const started = s.events?.started ?? 0;
      await delay(300);
      expect(s.events?.started ?? 0).toBe(started);
      expect(started).toBeLessThanOrEqual(2);
      return error;
    },
    expected: (t) => ({
      error: t.broken,
      message: /initializer failed.*initializer refused/,
      check: (error) => {
        expect(error.cause).toBeInstanceOf(RangeError);
        expect((error.cause as Error).message).toBe('initializer refused');
      },
      state: 'broken',
    }),
  },
  {
    name: 'callback throws',
    applies: isPoolLike,
    provoke: async (s) => {
      if (s.pool) {
        // Callbacks run on the main loop; what they throw is emitted on 'error', as thrown.
        const ok = s.pool.applyAsync((x: number) => x * 2, [21], {
          callback: () => {
            throw CALLBACK_ERROR;
          },
        });
        expect(await ok.get()).toBe(42);
        const bad = s.pool.applyAsync(task(tasks, throwCoded), ['bad seed'], {
          errorCallback: () => {
            throw CALLBACK_ERROR;
          },
        });
        await expect(bad.get()).rejects.toThrow('bad seed');
        expect(await eventually(() => s.emitted.length === 2, 1000)).toBe(true);
        expect(s.emitted[1]).toBe(CALLBACK_ERROR);
        return s.emitted[0];
      }
      // A throwing done-callback is reported with process.emitWarning; later callbacks still run.
      const warnings: Error[] = [];
      const onWarning = (warning: Error): void => void warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const future = (s.executor as Executor).submit((x: number) => x * 2, 21);
        let later = false;
        future.addDoneCallback(() => {
          throw CALLBACK_ERROR;
        });
        future.addDoneCallback(() => {
          later = true;
        });
        expect(await future.result()).toBe(42);
        expect(later).toBe(true);
        expect(await eventually(() => warnings.length > 0, 1000)).toBe(true);
        return warnings[0];
      } finally {
        process.off('warning', onWarning);
      }
    },
    stderr: (t) => (t.family === 'pool' ? [] : [warningPrintout('done-callback threw')]),
    expected: (t) =>
      t.family === 'pool'
        ? { error: SyntaxError, check: (error) => expect(error).toBe(CALLBACK_ERROR), state: 'serving' }
        : { error: Error, name: 'Warning', message: /done-callback threw: SyntaxError: callback refused/, state: 'serving' },
  },
  {
    name: 'consumer breaks mid-stream',
    applies: () => true,
    provoke: (s, t) => leaveStream(s, t, 'break'),
    expected: () => ({ error: null, state: 'serving' }),
  },
  {
    name: 'consumer throws mid-stream',
    applies: () => true,
    provoke: (s, t) => leaveStream(s, t, 'throw'),
    expected: () => ({ error: URIError, check: (error) => expect(error).toBe(CONSUMER_ERROR), state: 'serving' }),
  },
  {
    name: 'per-task timeout',
    applies: isPoolLike,
    provoke: async (s, t) => {
      const started = Date.now();
      const error = await rejection(s.call(task(tasks, waitForever), [], { timeout: 0.3 }));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(5000);
      // The running task's worker was stopped and replaced (cooperatively in the async backend).
      if (t.kind !== 'async') await expectReplaced(s, t);
      return error;
    },
    expected: () => ({
      error: TimeoutError,
      message: /^The task ran longer than its timeout of 0\.3 s; its worker was stopped$/,
      check: (error) => expect(error).toMatchObject({ code: 'ERR_TIMEOUT' }),
      state: 'serving',
    }),
  },
  {
    name: 'per-task timeout counts from the start, not while queued',
    applies: isPoolLike,
    options: { workers: 1 },
    provoke: async (s) => {
      const blocker = s.call(task(tasks, sleepThen), [1500, 'blocker']);
      // Queued for ~1.5 s behind the blocker, runs for 50 ms: well within its 1 s.
      const limited = s.call(task(tasks, sleepThen), [50, 'limited'], { timeout: 1 });
      expect(await Promise.all([blocker, limited])).toEqual(['blocker', 'limited']);
      return undefined;
    },
    expected: () => ({ error: null, state: 'serving' }),
  },
  {
    name: 'abort of a running task',
    applies: isPoolLike,
    provoke: async (s, t) => {
      const controller = new AbortController();
      const started = s.nextTaskStart();
      const outcome = rejection(s.call(task(tasks, waitForever), [], { signal: controller.signal }));
      await started;
      controller.abort(ABORT_REASON);
      const error = await outcome;
      if (t.kind !== 'async') await expectReplaced(s, t);
      return error;
    },
    expected: () => ({ error: Error, name: 'AbortError', message: /aborted/, check: (error) => expect(error.cause).toBe(ABORT_REASON), state: 'serving' }),
  },
  {
    name: 'abort of a queued task',
    applies: isPoolLike,
    options: { workers: 1 },
    // Regression: a task waiting for an idle worker had already left the queue, so an abort rejected it but it
    // was still sent later and ran to its end.
    provoke: async (s) => {
      const events = s.events as Events;
      const controller = new AbortController();
      const started = s.nextTaskStart();
      const blocker = s.call(task(tasks, sleepThen), [800, 'blocker']);
      await started;
      // Queued behind the blocker (1 worker). It must never reach a worker.
      const outcome = rejection(s.call(task(tasks, sleepThen), [1500, 'aborted task ran'], { signal: controller.signal }));
      await delay(50);
      const aborted = Date.now();
      const tasksAtAbort = events.tasks;
      controller.abort(ABORT_REASON);
      const error = await outcome;
      expect(Date.now() - aborted).toBeLessThan(400); // dropped at once, not after the blocker
      expect(await blocker).toBe('blocker'); // its worker was not stopped
      expect(events.exited).toBe(0);
      await delay(200);
      expect({ taskStartsAfterAbort: events.tasks - tasksAtAbort }).toEqual({ taskStartsAfterAbort: 0 });
      return error;
    },
    expected: () => ({ error: Error, name: 'AbortError', message: /aborted/, check: (error) => expect(error.cause).toBe(ABORT_REASON), state: 'serving' }),
  },
  {
    name: 'abort before submission (signal already aborted)',
    applies: isPoolLike,
    provoke: (s) => rejection(s.call(task(tasks, waitForever), [], { signal: AbortSignal.abort(ABORT_REASON) })),
    expected: () => ({ error: Error, name: 'AbortError', message: /aborted/, check: (error) => expect(error.cause).toBe(ABORT_REASON), state: 'serving' }),
  },
  {
    name: 'stopped with work outstanding (terminate / shutdown({ cancelFutures }))',
    applies: isPoolLike,
    options: { workers: 1 },
    provoke: async (s) => {
      const started = s.nextTaskStart();
      if (s.pool) {
        const running = rejection(s.call(task(tasks, waitForever), []));
        const queued = rejection(s.call((x: number) => x, [1]));
        await started;
        await s.stop();
        const [first, second] = await Promise.all([running, queued]);
        expect(second).toBeInstanceOf(CancelledError);
        return first;
      }
      const executor = s.executor as Executor;
      const running = executor.submit(task(tasks, sleepThen), 300, 'ran');
      const queued: Future<number>[] = range(5).map((i) => executor.submit((x: number) => x, i));
      await started;
      const last = queued.at(-1) as Future<number>;
      expect(last.cancel()).toBe(true);
      expect(last.cancelled()).toBe(true);
      await s.stop();
      // Python: a running future completes; every one not started is cancelled.
      expect(await running.result()).toBe('ran');
      const cancelled = queued.filter((f) => f.cancelled());
      expect(cancelled.length).toBeGreaterThanOrEqual(3);
      for (const f of cancelled) await expect(f.result()).rejects.toBeInstanceOf(CancelledError);
      return rejection(last.result());
    },
    expected: (t) => ({
      error: CancelledError,
      message: t.family === 'pool' ? /was terminated before this task finished/ : /The future was cancelled/,
      check: (error) => expect(error).toMatchObject({ code: 'ERR_CANCELLED' }),
      state: 'closed',
    }),
  },
];

// ---------------------------------------------------------------------------------------------
// The matrix

async function checkState(subject: Subject, target: Target, state: State): Promise<void> {
  switch (state) {
    case 'serving':
      await within(CLOSE_DEADLINE, 'the follow-up work', () => subject.followUp());
      return;
    case 'broken':
      expect(() => subject.submitNow()).toThrow(target.broken);
      return;
    case 'closed':
      expect(() => subject.submitNow()).toThrow(target.family === 'pool' ? /Pool not running/ : /cannot schedule new futures after shutdown/);
      return;
  }
}

/**
 * The worker that ran the task was stopped and a replacement started. A pool keeps all its workers, so the
 * replacement comes at once (2 + 1 started); an executor starts workers on demand (the one task started one),
 * so its replacement comes with the next task, which the 'serving' state check then submits.
 */
async function expectReplaced(subject: Subject, target: Target): Promise<void> {
  const events = subject.events as Events;
  const started = target.family === 'executor' ? 1 : 3;
  expect(await eventually(() => events.exited === 1 && events.started === started, 8000)).toBe(true);
}

async function runCell(fault: Fault, target: Target): Promise<void> {
  const subject = target.create({ workers: 2, ...fault.options });
  let failure: unknown = null;
  try {
    const provoke = (): Promise<unknown> => within(PROVOKE_DEADLINE, fault.name, () => fault.provoke(subject, target));
    const stderr = fault.stderr?.(target) ?? [];
    const error = await (stderr.length > 0 ? expectStderr(stderr, provoke) : provoke());
    const expected = fault.expected(target);
    if (expected.error === null) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toBeInstanceOf(expected.error);
      const e = error as Error;
      if (expected.name !== undefined) expect(e.name).toBe(expected.name);
      if (expected.message) expect(e.message).toMatch(expected.message);
      expected.check?.(e);
    }
    await checkState(subject, target, expected.state);
  } catch (error) {
    failure = error;
  }
  try {
    await subject.close();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== null) throw failure;
  // No orphan: no worker process remains, and every worker that started has exited.
  expect(await eventually(() => workerChildren().length === 0)).toBe(true);
  const { events } = subject;
  // (A replacement stopped before it was ready exits without having started, hence >=.)
  if (events) {
    await eventually(() => events.exited >= events.started);
    expect(events.exited).toBeGreaterThanOrEqual(events.started);
  }
}

/** Runs a known-bug cell inverted: it passes while the bug shows, and fails once the cell passes. */
async function runKnownBug(fault: Fault, target: Target, bug: KnownBug): Promise<void> {
  const failure = await runCell(fault, target).then(
    () => null,
    (error: unknown) => error,
  );
  if (failure === null) throw new Error(`Known bug fixed (${bug.note}): drop knownBug from "${fault.name}" for ${target.name}.`);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toMatch(bug.failure);
}

describe.each(FAULTS)('$name', (fault) => {
  const cells = TARGETS.filter((target) => fault.applies(target)).map((target) => {
    const bug = fault.knownBug?.(target);
    return { title: bug ? `${target.name} [known bug: ${bug.note}]` : target.name, target, bug };
  });
  // jest-light-runner ignores jest's per-test timeout (and test.failing), so the cell enforces its own too.
  test.each(cells)(
    '$title',
    ({ target, bug }) => within(CELL_TIMEOUT, `${fault.name} × ${target.name}`, () => (bug ? runKnownBug(fault, target, bug) : runCell(fault, target))),
    CELL_TIMEOUT,
  );
});

test('the matrix covers every target and every fault', () => {
  const cells = FAULTS.flatMap((fault) => TARGETS.filter((target) => fault.applies(target)).map((target) => `${fault.name} × ${target.name}`));
  expect(new Set(cells).size).toBe(cells.length);
  for (const target of TARGETS) expect(cells.some((cell) => cell.endsWith(`× ${target.name}`))).toBe(true);
  expect(cells.length).toBeGreaterThanOrEqual(80);
});
