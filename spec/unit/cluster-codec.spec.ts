/**
 * The cluster's pure parts: a job payload and its result survive base64 v8 serialization, errors come back
 * as their own classes with the host's stack, and a task's cluster name is its path within its package.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { MaybeEncodingError, RemoteTraceback, task, TimeoutError, WorkerLostError } from 'multipool';

import { decodeJob, decodeResult, encodeFailure, encodeJob, encodeResult } from '../../dist/runtime/cluster/job-codec.js';
import { clusterTaskKey, packageRootOf, taskKey } from '../../dist/runtime/cluster/task-key.js';

test('a job payload comes back whole: items, flags and values v8 keeps', () => {
  const items = [[new Uint8Array([1, 2]), new Map([[1n, new Set(['a'])]]), Buffer.from('b')]];
  const payload = decodeJob(encodeJob({ task: 'dist/t.js#f', items, star: true, perItem: false }));
  expect(payload).toMatchObject({ task: 'dist/t.js#f', star: true, perItem: false });
  expect(payload.items).toEqual(items);
  expect(Buffer.isBuffer((payload.items[0] as unknown[])[2])).toBe(true);
});

test('decodeJob refuses data that is not a multipool chunk, with a TypeError', () => {
  expect(() => decodeJob({ p: 42 })).toThrow(TypeError);
  expect(() => decodeJob({ p: Buffer.from('x').toString('base64') })).toThrow();
  expect(() => decodeJob(null)).toThrow(TypeError);
});

test('numbers a host got from its local worker as a view of a larger block go back as an array of just those numbers', () => {
  const block = new Float64Array([1, 2.5, 3, 4]);
  const sent = encodeResult({ kind: 'values', values: block.subarray(1, 3) }, 1);
  expect(decodeResult(sent)).toEqual({ ms: 1, outcome: { kind: 'values', values: [2.5, 3] } });
});

test('values, per-item errors and a task error come back rebuilt, with the worker stack kept', () => {
  expect(decodeResult(encodeResult({ kind: 'values', values: [1n, 'x'] }, 2))).toEqual({ ms: 2, outcome: { kind: 'values', values: [1n, 'x'] } });
  const thrown = Object.assign(new RangeError('bad', { cause: new RemoteTraceback('RangeError: bad\n    at worker (w.js:1:1)') }), { detail: 7 });
  const error = decodeResult(encodeResult({ kind: 'error', error: thrown }, 1)).outcome;
  expect(error.kind).toBe('error');
  const rebuilt = (error as { error: Error & { detail?: number } }).error;
  expect(rebuilt).toBeInstanceOf(RangeError);
  expect(rebuilt.detail).toBe(7);
  expect((rebuilt.cause as RemoteTraceback).tb).toContain('at worker (w.js:1:1)');
  const items = decodeResult(encodeResult({ kind: 'items', values: [1, undefined], errors: new Map([[1, new TypeError('odd')]]) }, 1)).outcome;
  expect(items.kind === 'items' && items.errors.get(1)).toBeInstanceOf(TypeError);
});

test("multipool's own errors made on a host come back as their classes, fields included", () => {
  const lost = decodeResult(encodeResult({ kind: 'error', error: new WorkerLostError('gone', { exitCode: 3, signal: null }) }, 0)).outcome;
  const error = (lost as { error: WorkerLostError }).error;
  expect(error).toBeInstanceOf(WorkerLostError);
  expect(error.exitCode).toBe(3);
  expect(error.code).toBe('ERR_WORKER_LOST');
  const timeout = decodeResult(encodeFailure(new TimeoutError('slow'))).outcome;
  expect((timeout as { error: unknown }).error).toBeInstanceOf(TimeoutError);
  const encoding = decodeResult(encodeResult({ kind: 'error', error: new MaybeEncodingError(new Error('no clone'), 'a Point') }, 0)).outcome;
  expect((encoding as { error: MaybeEncodingError }).error).toMatchObject({ value: 'a Point' });
});

test('decodeResult refuses a value no host made', () => {
  expect(() => decodeResult({ not: 'a result' })).toThrow(TypeError);
});

describe('task names', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'multipool-key-'));
    mkdirSync(join(dir, 'pkg', 'dist', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'package.json'), '{}');
    mkdirSync(join(dir, 'loose'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a module is named by its path below the nearest package.json, plus the export name', () => {
    const file = join(dir, 'pkg', 'dist', 'sub', 'tasks.js');
    expect(packageRootOf(file)).toBe(join(dir, 'pkg'));
    expect(taskKey(pathToFileURL(file).href, 'fib')).toBe('dist/sub/tasks.js#fib');
  });

  test("without a package.json above, the module's own folder is the root", () => {
    const file = join(dir, 'loose', 'tasks.js');
    expect(packageRootOf(file)).toBe(join(dir, 'loose'));
    expect(taskKey(pathToFileURL(file).href, 'f')).toBe('tasks.js#f');
  });

  test('an inline function or a task from a non-file URL is a TypeError', () => {
    expect(() => clusterTaskKey((x: number) => x, 'fn')).toThrow(/`fn` is an inline function.*task\(import\.meta\.url, fn\)/s);
    expect(() => clusterTaskKey(task('data:text/javascript,export function f(){}', function f() {}), 'fn')).toThrow(/must live in a module file/);
  });
});
