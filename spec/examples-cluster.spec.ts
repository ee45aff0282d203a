/** The cluster example runs as its README says: a redis-server, two hosts from the bin, and the client. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { withinSeconds } from './support/helpers.js';
import type { Host, RedisServer } from './support/redis.js';
import { redisAvailable, startHost, startRedis } from './support/redis.js';

const available = redisAvailable();
const clusterTest = available ? test : test.skip;

let redis: RedisServer | undefined;
let hosts: Host[] = [];

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.kill()));
  await redis?.stop();
});

clusterTest('examples/cluster: the client maps over the tasks module on two hosts and mixes futures', async () => {
  redis = await startRedis();
  const url = redis.url;
  const args = ['--tasks', 'examples/cluster/tasks.ts', '--concurrency', '2'];
  hosts = await withinSeconds(90, Promise.all([startHost(url, 'example', args, false), startHost(url, 'example', args, false)]), 'hosts');
  const file = fileURLToPath(new URL('../examples/cluster/client.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, REDIS_URL: url, QUEUE: 'example' } });
  if (run.status !== 0) throw new Error(`client exited with ${run.status ?? run.signal}: ${run.stderr}`);
  const lines = run.stdout.split('\n');
  expect(lines).toContain('word counts: 4 2 3 3');
  expect(lines.find((line) => line.startsWith('stretched: '))).toMatch(/^stretched: ([0-9a-f]{8} ){3}[0-9a-f]{8}$/);
  expect(lines.find((line) => line.startsWith('ran on '))).toMatch(/^ran on [12] host\(s\)$/);
  expect(lines).toContain('futures: 3 4');
});
