/**
 * A green run reads green: specs that crash workers on purpose keep the expected crash reports out of the
 * output (spec/support/stderr.ts), and nothing else is hidden.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('an expected crash report is kept off stderr; an unexpected line and a failing test’s output are not', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'spec/fixtures/expected-crash.ts')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  expect(run.stderr).not.toMatch(/Last few GCs|Reached heap limit|Native stack trace/);
  expect(run.stderr).toContain('a line nobody expected\n');
  expect(run.stderr).toContain('printed by a failing test\n');
});

test('npm installs the locked dependencies on this Node without an EBADENGINE warning', () => {
  // The package says node >= 20; a dev dependency that needs a newer Node warns on every install.
  const dir = mkdtempSync(join(tmpdir(), 'multipool-engines-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(dir, file));
    const run = spawnSync('npm', ['install', '--dry-run', '--engine-strict', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      // The test run's `--import tsx` cannot resolve from the copy's folder.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(run.stderr).not.toMatch(/EBADENGINE|notsup/);
    expect(run.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
