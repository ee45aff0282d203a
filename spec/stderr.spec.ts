/**
 * A green run reads green: specs that crash workers on purpose keep the expected crash reports out of the
 * output (spec/support/stderr.ts), and nothing else is hidden.
 */
import { spawnSync } from 'node:child_process';
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
