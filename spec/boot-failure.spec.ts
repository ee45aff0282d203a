/** A worker that cannot even start must not make the pool respawn forever and hang its tasks. */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { eventually, workerChildren } from './support/helpers.js';
import { crashReport, expectStderr } from './support/stderr.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let copy: string;

beforeAll(() => {
  // A copy of the built package whose worker modules (the entry, and the bundle of it the build writes) are
  // missing, as when dist/ is deleted under a running pool.
  copy = mkdtempSync(join(tmpdir(), 'multipool-boot-'));
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
  for (const name of ['worker-entry.js', 'worker-bundle.js']) rmSync(join(copy, 'dist', 'runtime', 'worker', name), { force: true });
  writeFileSync(join(copy, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
});

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

test.each([
  ['Pool', 'BrokenProcessPool'],
  ['ThreadPool', 'BrokenThreadPool'],
] as const)('%s whose workers cannot start rejects its work with %s instead of hanging', (name, brokenName) =>
  // A child process that cannot load its entry prints Node's report before it dies (three times: three boot failures).
  expectStderr(name === 'Pool' ? [crashReport("Cannot find module '")] : [], async () => {
    const multipool = (await import(pathToFileURL(join(copy, 'dist', 'index.js')).href)) as typeof import('multipool');
    const pool = new multipool[name](2);
    const error = (await pool.map((x: number) => x, [1, 2, 3]).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe(brokenName);
    expect(error.message).toMatch(/Workers fail to start/);
    expect(() => pool.applyAsync(() => 1)).toThrow(/fail to start/);
    await pool.terminate();
    expect(await eventually(() => workerChildren().length === 0)).toBe(true);
  }),
);
