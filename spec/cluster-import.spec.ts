/**
 * The cluster backend's packages load on first use: importing multipool loads neither bullmq nor ioredis,
 * and a machine without bullmq learns it at its first cluster call, with an error naming the package.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LIMIT_MS = 60_000;

function node(args: readonly string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: LIMIT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
}

test('importing multipool loads neither bullmq nor ioredis', () => {
  // bullmq and ioredis are CommonJS: whatever of them loaded is in the CommonJS module cache.
  const script = `await import('multipool'); const { createRequire } = await import('node:module');
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify({ all: cache.length, cluster: cache.filter((path) => /[\\\\/](bullmq|ioredis)[\\\\/]/.test(path)) }));`;
  const loaded = JSON.parse(node(['--input-type=module', '-e', script])) as { all: number; cluster: string[] };
  expect(loaded.cluster).toEqual([]);
});

test('without bullmq, the first cluster call rejects at once with an error naming the package; closing still resolves', () => {
  const printed = JSON.parse(node([fileURLToPath(new URL('./fixtures/cluster-no-bullmq.mjs', import.meta.url))])) as Record<string, { name: string; message: string; cause?: string }>;
  for (const error of [printed['poolError'], printed['executorError']]) {
    expect(error?.name).toMatch(/^Broken(Process|Thread)Pool$/);
    expect(error?.message).toMatch(/The cluster backend needs the bullmq package, which could not be loaded \(Cannot find package 'bullmq'\)\. Install it beside multipool \(npm install bullmq\)/);
  }
});
