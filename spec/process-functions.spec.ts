/**
 * The module functions about processes: currentProcess() and parentProcess() in the program and in pool
 * workers (a Process's child is covered in spec/process.spec.ts), and cpuCount().
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import { cpuCount, currentProcess, parentProcess, Pool, task } from 'multipool';

import { startChild, writeIdentity } from './fixtures/process-tasks.js';
import { withinSeconds } from './support/helpers.js';

const tasks = new URL('./fixtures/process-tasks.ts', import.meta.url);
/** Seconds a call to a pool may take before the test fails instead of hanging. */
const LIMIT = 30;

let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'multipool-process-functions-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('module functions', () => {
  test('in the program, currentProcess() is MainProcess and parentProcess() is null', () => {
    expect(currentProcess()).toEqual({ name: 'MainProcess', pid: process.pid, daemon: false });
    expect(parentProcess()).toBeNull();
  });

  test('cpuCount() is os.availableParallelism()', () => {
    expect(cpuCount()).toBe(availableParallelism());
  });

  test.each([
    ['process', /^SpawnPoolWorker-\d+$/],
    ['thread', /^ThreadPoolWorker-\d+$/],
  ] as const)('in a %s pool worker, currentProcess() names the pool worker, a daemon', async (backend, name) => {
    await using pool = new Pool({ processes: 1, backend });
    const file = join(dir, 'identity');
    await withinSeconds(LIMIT, pool.apply(task(tasks, writeIdentity), [file]), 'apply');
    const seen = JSON.parse(readFileSync(file, 'utf8')) as { current: { name: string; daemon: boolean }; parent: unknown };
    expect(seen.current.name).toMatch(name);
    expect(seen.current.daemon).toBe(true);
    expect(seen.parent).toEqual({ name: 'MainProcess', pid: process.pid });
  });

  test('a pool worker may not start a Process (it is a daemon), as in Python', async () => {
    await using pool = new Pool({ processes: 1, backend: 'thread' });
    await expect(withinSeconds(LIMIT, pool.apply(task(tasks, startChild), []), 'apply')).rejects.toThrow(/daemonic processes are not allowed to have children/);
  });
});
