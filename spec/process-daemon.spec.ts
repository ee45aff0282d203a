/**
 * The daemon flag, tested out of process: a parent script (spec/fixtures/process-parent.ts) starts one
 * Process and lets its main code end. A non-daemon child keeps it alive until the child ends; a daemon
 * does not, and ends with it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { eventually, isAlive, runScript, withinSeconds } from './support/helpers.js';

/** Seconds any one wait of a test may take before the test fails instead of hanging. */
const LIMIT = 30;

let dir = '';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'multipool-process-daemon-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['process', 'thread'] as const)('%s backend', (backend) => {
  const SCRIPT = fileURLToPath(new URL('./fixtures/process-parent.ts', import.meta.url));

  test('a non-daemon child keeps its parent alive until it ends, as Python joins it at exit', async () => {
    const script = runScript(SCRIPT, ['non-daemon', backend, dir]);
    try {
      expect(JSON.parse(await withinSeconds(LIMIT, script.nextLine(), 'main done'))).toEqual({ event: 'main done' });
      // The parent's main code has ended; only the child, waiting for this file, can keep it alive.
      writeFileSync(join(dir, 'go'), '');
      expect(JSON.parse(await withinSeconds(LIMIT, script.nextLine(), 'exit'))).toEqual({ event: 'exit', done: true, exitCode: 0 });
      expect(await withinSeconds(LIMIT, script.exited, 'the script')).toBe(0);
    } finally {
      script.child.kill('SIGKILL');
    }
  });

  test('a daemon child does not keep its parent alive, and ends with it', async () => {
    const script = runScript(SCRIPT, ['daemon', backend, dir]);
    try {
      const { childPid } = JSON.parse(await withinSeconds(LIMIT, script.nextLine(), 'main done')) as { childPid: number };
      expect(await withinSeconds(LIMIT, script.exited, 'the script, with a daemon child still running')).toBe(0);
      if (backend === 'thread') expect(childPid).toBe(script.child.pid);
      else expect(await eventually(() => !isAlive(childPid), LIMIT * 1000)).toBe(true);
    } finally {
      script.child.kill('SIGKILL');
    }
  });
});
