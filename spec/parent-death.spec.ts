/**
 * How a child process is started so that it dies with its parent (the orphan cases themselves are in
 * spec/orphans.spec.ts): the flags and environment it gets, and what it passes on to its own children.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Pool } from 'multipool';

import { withinSeconds } from './support/helpers.js';

/** Seconds any one wait of a test may take before the test fails instead of hanging. */
const LIMIT = 30;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('a child process worker does not pass the promise of a parent-death signal on to its own children', async () => {
  await using pool = new Pool(1);
  const seen = await withinSeconds(LIMIT, pool.apply(() => process.env.MULTIPOOL_KERNEL_WATCH ?? null), 'apply');
  expect(seen).toBeNull();
});

test('a child process worker gets the heap limit of resourceLimits.maxOldGenerationSizeMb as a node flag', async () => {
  await using pool = new Pool({ processes: 1, resourceLimits: { maxOldGenerationSizeMb: 96 } });
  const flags = await withinSeconds(LIMIT, pool.apply(() => process.execArgv), 'apply');
  expect(flags).toContain('--max-old-space-size=96');
});

test('a Pool made by `node -e` code starts workers that run their entry module, not that code again', async () => {
  // The code prints one line; a worker that ran it again instead of its entry would never answer the apply.
  const code = `import('multipool').then(async ({ Pool }) => {
    const pool = new Pool(1);
    console.log(await pool.apply((x) => x + 1, [41]));
    await pool.terminate();
  });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', code], { cwd: ROOT, timeout: LIMIT * 1000 });
  expect(stdout).toBe('42\n');
});
