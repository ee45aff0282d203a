/**
 * Process: one target run once in a child process or a worker thread, as Python's `multiprocessing.Process`
 * and `multiprocessing.dummy.Process`. One suite for both backends, then the argument checks (the daemon
 * flag is in process-daemon.spec.ts, the module functions in process-functions.spec.ts). A Process has no
 * return value, so targets report through exit codes and files; a target that could hang is killed when its
 * test ends.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';

import { activeChildren, Process, ProcessError, task } from 'multipool';

import { markThenHang, markThenSpin, saveArgs, startWriter, throwDistinct, waitThenWrite, writeIdentity } from './fixtures/process-tasks.js';
import { exitWith, throwLater } from './fixtures/tasks.js';
import { eventually, withinSeconds } from './support/helpers.js';
import { crashReport, stderrOf } from './support/stderr.js';

const tasks = new URL('./fixtures/process-tasks.ts', import.meta.url);
const common = new URL('./fixtures/tasks.ts', import.meta.url);
/** Seconds any one wait of a test may take before the test fails instead of hanging. */
const LIMIT = 30;

let dir = '';
const opened: Process[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'multipool-process-'));
});

afterEach(async () => {
  for (const p of opened.splice(0)) {
    if (p.isAlive()) p.kill();
    if (p.pid !== undefined) await withinSeconds(LIMIT, p.join(), `stopping ${p.name}`);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A Process that the test's cleanup stops if the test leaves it running. */
function track<P extends Process>(p: P): P {
  opened.push(p);
  return p;
}

/** Waits until the file at `path` exists (the target's side of a handshake). */
async function fileAppears(path: string): Promise<void> {
  if (!(await eventually(() => existsSync(path), LIMIT * 1000))) throw new Error(`${path} did not appear within ${LIMIT} s`);
}

describe.each(['process', 'thread'] as const)('%s backend', (backend) => {
  test('pid, isAlive() and exitCode follow the lifecycle; exitCode is 0 after the target returns', async () => {
    const p = track(new Process({ target: () => {}, backend }));
    expect([p.pid, p.exitCode, p.isAlive()]).toEqual([undefined, null, false]);
    p.start();
    expect(p.isAlive()).toBe(true);
    expect(p.exitCode).toBeNull();
    expect(typeof p.pid).toBe('number');
    if (backend === 'thread') expect(p.pid).toBe(process.pid);
    else expect(p.pid).not.toBe(process.pid);
    await withinSeconds(LIMIT, p.join(), 'join');
    expect([p.exitCode, p.isAlive()]).toEqual([0, false]);
    expect(p.backend).toBe(backend);
  });

  test('exitCode is 0 after an async target resolves, not before its awaited work is done', async () => {
    const [go, done] = [join(dir, 'go'), join(dir, 'done')];
    const p = track(new Process({ target: task(tasks, waitThenWrite), args: [go, done], backend }));
    p.start();
    await withinSeconds(LIMIT, p.join(0.05), 'join(0.05)');
    writeFileSync(go, '');
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(p.exitCode).toBe(0);
    expect(readFileSync(done, 'utf8')).toBe('done');
  });

  test('exitCode is 1 after the target throws, and its stack is printed on stderr under the process name', async () => {
    const p = track(new Process({ target: task(tasks, throwDistinct), args: ['the target refused'], name: 'refuser', backend }));
    const report = /Process refuser:\nRangeError: the target refused\n(?:[ \t]+at [^\n]*\n)+/;
    const printed = await stderrOf(report, async () => {
      p.start();
      await withinSeconds(LIMIT, p.join(), 'join');
    });
    expect(p.exitCode).toBe(1);
    expect(printed).toMatch(report);
    expect(printed).toMatch(/throwDistinct/);
  });

  test('an uncaught error in a timer of the target ends the child with exitCode 1 and is printed on stderr', async () => {
    const p = track(new Process({ target: task(common, throwLater), name: 'late-thrower', backend }));
    // A child process prints Node's crash report; a thread's error comes to the parent, which prints it the same way as a throw.
    const report = backend === 'process' ? crashReport('thrown in a timer') : /Process late-thrower:\nError: thrown in a timer\n(?:[ \t]+at [^\n]*\n)+/;
    const printed = await stderrOf(report, async () => {
      p.start();
      await withinSeconds(LIMIT, p.join(), 'join');
    });
    expect(p.exitCode).toBe(1);
    expect(printed).toMatch(new RegExp(report.source));
  });

  test('exitCode is N after process.exit(N) in the target', async () => {
    const p = track(new Process({ target: task(common, exitWith), args: [3], backend }));
    p.start();
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(p.exitCode).toBe(3);
  });

  test('an inline target gets its arguments: new Process(target, args)', async () => {
    const p = track(new Process((a: number, b: number) => process.exit(a * b), [6, 7]));
    p.start();
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(p.exitCode).toBe(42);
  });

  test.each([
    ['terminate', -15, markThenHang],
    ['terminate', -15, markThenSpin],
    ['kill', -9, markThenHang],
    ['kill', -9, markThenSpin],
  ] as const)('%s() stops a target that never returns (%s, %p)', async (method, code, target) => {
    const mark = join(dir, 'mark');
    const p = track(new Process({ target: task(tasks, target), args: [mark], backend }));
    p.start();
    await fileAppears(mark);
    p[method]();
    await withinSeconds(LIMIT, p.join(), 'join after stopping');
    expect(p.exitCode).toBe(code);
    expect(p.isAlive()).toBe(false);
    // Stopping an ended process does nothing, as in Python.
    p[method]();
    expect(p.exitCode).toBe(code);
  });

  test('terminate() right after start(), before the target runs, ends the child with -15', async () => {
    const p = track(new Process({ target: task(tasks, markThenHang), args: [join(dir, 'mark')], backend }));
    p.start();
    p.terminate();
    await withinSeconds(LIMIT, p.join(), 'join after terminate');
    expect(p.exitCode).toBe(-15);
  });

  test('a child waits for its own non-daemon children before it ends, as Python joins them at exit', async () => {
    const [go, done] = [join(dir, 'go'), join(dir, 'done')];
    const p = track(new Process({ target: task(tasks, startWriter), args: [go, done, backend], backend }));
    p.start();
    await withinSeconds(LIMIT, p.join(0.05), 'join(0.05)');
    writeFileSync(go, '');
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(p.exitCode).toBe(0);
    expect(readFileSync(done, 'utf8')).toBe('done');
  });

  test('join(timeout) resolves while the target still runs', async () => {
    const mark = join(dir, 'mark');
    const p = track(new Process({ target: task(tasks, markThenHang), args: [mark], backend }));
    p.start();
    await fileAppears(mark);
    await withinSeconds(LIMIT, p.join(0.05), 'join(0.05)');
    expect(p.isAlive()).toBe(true);
    expect(p.exitCode).toBeNull();
  });

  test('arguments arrive as pools carry them, copied when start() is called', async () => {
    const file = join(dir, 'args');
    const record = { n: 1.5, s: 'text', big: 2n ** 70n, when: new Date(0), map: new Map([[1, 'one']]), set: new Set(['a']), nested: [{ deep: [null, true] }] };
    const typed = { floats: new Float64Array([0.1, 0.2]), bytes: Buffer.from('hi') };
    const p = track(new Process({ target: task(tasks, saveArgs), args: [file, record, typed], backend }));
    p.start();
    record.n = 99;
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(p.exitCode).toBe(0);
    const [gotRecord, gotTyped] = deserialize(readFileSync(file)) as [typeof record, typeof typed];
    expect(gotRecord).toEqual({ ...record, n: 1.5 });
    expect(gotTyped.floats).toEqual(typed.floats);
    expect(Buffer.isBuffer(gotTyped.bytes)).toBe(true);
    expect(gotTyped.bytes.toString()).toBe('hi');
  });

  test('currentProcess() and parentProcess() in the child name the child and its parent', async () => {
    for (const daemon of [false, true]) {
      const file = join(dir, `identity-${daemon}`);
      const p = track(new Process({ target: task(tasks, writeIdentity), args: [file], name: 'reporter', daemon, backend }));
      p.start();
      await withinSeconds(LIMIT, p.join(), 'join');
      expect(p.exitCode).toBe(0);
      const seen = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      expect(seen).toEqual({ current: { name: 'reporter', pid: p.pid, daemon }, parent: { name: 'MainProcess', pid: process.pid } });
    }
  });

  test('activeChildren() lists started, running Processes and forgets ended ones', async () => {
    const mark = join(dir, 'mark');
    const p = track(new Process({ target: task(tasks, markThenHang), args: [mark], backend }));
    const quick = track(new Process({ target: () => {}, backend }));
    expect(activeChildren()).toEqual([]);
    p.start();
    quick.start();
    await withinSeconds(LIMIT, quick.join(), 'join');
    await fileAppears(mark);
    expect(activeChildren()).toEqual([p]);
    p.kill();
    await withinSeconds(LIMIT, p.join(), 'join');
    expect(activeChildren()).toEqual([]);
  });

  test('start() a second time throws ProcessError; so does setting daemon after start()', async () => {
    const p = track(new Process({ target: () => {}, backend }));
    p.start();
    expect(() => p.start()).toThrow(ProcessError);
    expect(() => p.start()).toThrow('cannot start a process twice');
    expect(() => {
      p.daemon = true;
    }).toThrow(ProcessError);
    await withinSeconds(LIMIT, p.join(), 'join');
  });

  test('join(), terminate() and kill() before start() are ProcessErrors', async () => {
    const p = new Process({ target: () => {}, backend });
    await expect(p.join()).rejects.toThrow(ProcessError);
    expect(() => p.terminate()).toThrow(ProcessError);
    expect(() => p.kill()).toThrow(ProcessError);
    expect(p.isAlive()).toBe(false);
  });

  test('an argument that cannot be sent is a TypeError at start(), and nothing starts', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const withFunction = new Process({ target: (f: unknown) => f, args: [() => 1], backend });
    expect(() => withFunction.start()).toThrow(/Cannot send argument 0/);
    const withInstance = new Process({ target: (p: unknown) => p, args: [new Point(1)], backend });
    expect(() => withInstance.start()).toThrow(TypeError);
    expect([withFunction.pid, withInstance.isAlive()]).toEqual([undefined, false]);
  });
});

describe('validation', () => {
  const fn = (): void => {};

  test.each([
    ['a target that is not a function', () => new Process({ target: 42 as unknown as () => void }), /`target`.*function.*got `42` \(number\)/],
    ['a first argument that is neither a function nor options', () => new Process('f' as unknown as () => void), /`target`.*function or an options object/],
    ['a built-in target, which cannot travel as source', () => new Process(Math.max), /`target` is a built-in or bound function/],
    ['args that are not an array', () => new Process({ target: fn, args: 1 as unknown as [] }), /`args`.*array of arguments.*wrap a single argument/],
    ['args that are not an array, positional form', () => new Process(fn, 'x' as unknown as []), /`args`.*array of arguments/],
    ['args beside an options object', () => new (Process as new (...a: unknown[]) => Process)({ target: fn }, []), /put `args` inside the options object/],
    ['a name that is not a string', () => new Process({ target: fn, name: 7 as unknown as string }), /`name`.*string.*got `7`/],
    ['a daemon flag that is not a boolean', () => new Process({ target: fn, daemon: 'yes' as unknown as boolean }), /`daemon`.*true or false/],
    ['an unknown backend', () => new Process({ target: fn, backend: 'async' as 'thread' }), /`backend`.*'process', 'thread'.*got `"async"`/],
    ['an unknown option (Python spelling)', () => new Process({ target: fn, kwargs: {} } as never), /Unknown option `kwargs` in Process options/],
  ])('%s is a TypeError naming the argument', (_, make, message) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  test('setting name or daemon to the wrong type is a TypeError', () => {
    const p = new Process(fn);
    expect(() => {
      p.name = 1 as unknown as string;
    }).toThrow(/`name`/);
    expect(() => {
      p.daemon = 1 as unknown as boolean;
    }).toThrow(/`daemon`/);
    p.name = 'renamed';
    p.daemon = true;
    expect([p.name, p.daemon]).toEqual(['renamed', true]);
  });

  test('join() with a bad timeout rejects with TypeError or RangeError', async () => {
    const p = new Process(fn);
    await expect(p.join(-1)).rejects.toThrow(RangeError);
    await expect(p.join('1' as unknown as number)).rejects.toThrow(TypeError);
  });

  test('default names count up from Process-1 in each process; a given name is kept', () => {
    const [a, b] = [new Process(fn), new Process(fn)];
    const number = (p: Process): number => Number(/^Process-(\d+)$/.exec(p.name)?.[1]);
    expect(number(b)).toBe(number(a) + 1);
    expect(new Process({ target: fn, name: 'crawler' }).name).toBe('crawler');
    expect(new Process(fn).daemon).toBe(false);
    expect(new Process(fn).backend).toBe('process');
  });
});
