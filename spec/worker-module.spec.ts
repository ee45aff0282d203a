/**
 * The module a new worker loads: the build writes the worker side as one module (a worker pays for every module
 * it loads at start-up), and a worker falls back to the entry module, which imports the rest, when the entry
 * was compiled after that bundle was written.
 */
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Pool, ThreadPool } from 'multipool';

import { withinSeconds } from './support/helpers.js';

/** Seconds any one wait of a test may take before the test fails instead of hanging. */
const LIMIT = 30;
const root = fileURLToPath(new URL('..', import.meta.url));

/** The stack of a task, whose caller's frame names the module that runs tasks in the worker. */
const taskStack = (): string => String(new Error('where am I').stack);

test.each([
  ['Pool', Pool],
  ['ThreadPool', ThreadPool],
] as const)('%s workers run tasks from the bundled worker module of the build', async (_, Kind) => {
  await using pool = new Kind(1);
  const stack = await withinSeconds(LIMIT, pool.apply(taskStack), 'apply');
  expect(stack).toContain('/dist/runtime/worker/worker-bundle.js');
});

describe('a build whose entry module was compiled after its bundle', () => {
  let copy = '';

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'multipool-stale-bundle-'));
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const worker = join(copy, 'dist', 'runtime', 'worker');
    const compiled = statSync(join(worker, 'worker-entry.js')).mtime;
    const before = new Date(compiled.getTime() - 60_000);
    utimesSync(join(worker, 'worker-bundle.js'), before, before);
  });

  afterAll(() => {
    rmSync(copy, { recursive: true, force: true });
  });

  test.each(['Pool', 'ThreadPool'] as const)('%s workers load the entry module, not the older bundle', async (name) => {
    const multipool = (await import(pathToFileURL(join(copy, 'dist', 'index.js')).href)) as typeof import('multipool');
    await using pool = new multipool[name](1);
    const stack = await withinSeconds(LIMIT, pool.apply(taskStack), 'apply');
    // A loader that applies source maps (tsx) names the source, worker-loop.ts, instead of the compiled module.
    expect(stack).toMatch(/\/runtime\/worker\/worker-loop\.(js|ts):/);
    expect(stack).not.toContain('worker-bundle.js');
  });
});
