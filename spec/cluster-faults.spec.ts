/**
 * Faults of the cluster backend, with real hosts killed mid-chunk: the chunk runs again elsewhere
 * (at-least-once), past the retry limit its result rejects with WorkerLostError, terminate and
 * shutdown take queued jobs back, an unreachable Redis rejects in time, and hosts stop cleanly.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Queue } from 'bullmq';
import { CancelledError, ClusterExecutor, Pool, task, WorkerLostError } from 'multipool';

import * as tasks from './fixtures/cluster-tasks.js';
import { eventually, withinSeconds } from './support/helpers.js';
import type { Host, RedisServer } from './support/redis.js';
import { exited, redisAvailable, runBin, startHost, startRedis } from './support/redis.js';

const fixtures = new URL('./fixtures/cluster-tasks.ts', import.meta.url).href;
const square = task(fixtures, tasks.square);
const sleep = task(fixtures, tasks.sleep);
const markThenSleep = task(fixtures, tasks.markThenSleep);
const killHost = task(fixtures, tasks.killHost);

const available = redisAvailable();
const clusterTest = available ? test : test.skip;

let redis: RedisServer | undefined;
const started: Host[] = [];

/** Hosts that notice a lost host's chunk after a second, so the specs do not wait BullMQ's default 30 s. */
async function hosts(queue: string, count: number, args: readonly string[] = []): Promise<Host[]> {
  const more = await Promise.all(Array.from({ length: count }, () => startHost(redis?.url ?? '', queue, ['--concurrency', '1', '--stalled-interval', '1', ...args])));
  started.push(...more);
  return more;
}

beforeAll(async () => {
  if (available) redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(started.map((host) => host.kill()));
  await redis?.stop();
});

clusterTest('a host killed mid-chunk: its chunk runs again on the other host and map still gets every result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'multipool-marks-'));
  try {
    const [first, second] = await hosts('faults-kill', 2);
    if (!first || !second) throw new Error('no hosts');
    await using pool = new Pool({ processes: 2, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: 'faults-kill' } });
    const items = [0, 1, 2, 3];
    const result = pool.starmap(markThenSleep, items.map((i) => [dir, i, 1] as [string, number, number]), 1);
    // Handshake: the first host holds a chunk now.
    expect(await eventually(() => readdirSync(dir).some((mark) => mark.startsWith(`${first.pid}-`)), 30_000)).toBe(true);
    await first.kill();
    expect(await withinSeconds(60, result, 'map after a host was killed')).toEqual(items);
    const marks = readdirSync(dir);
    // At-least-once: an item the killed host had started ran again on the other one.
    const rerun = items.filter((i) => marks.includes(`${first.pid}-${i}`) && marks.includes(`${second.pid}-${i}`));
    expect(rerun.length).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

clusterTest('past the retry limit (--max-stalled 0) a chunk whose host died rejects with WorkerLostError', async () => {
  await hosts('faults-limit', 2, ['--max-stalled', '0']);
  await using pool = new Pool({ processes: 1, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: 'faults-limit' } });
  const error = (await withinSeconds(60, pool.apply(killHost).catch((e: unknown) => e), 'apply on a dying host')) as WorkerLostError;
  expect(error).toBeInstanceOf(WorkerLostError);
  expect(error.message).toMatch(/The cluster gave up on input item 0 .*stalled/);
  // The surviving host serves on.
  expect(await withinSeconds(60, pool.apply(square, [3]), 'apply after')).toBe(9);
});

clusterTest("terminate() takes this client's queued jobs out of Redis, stops its running one on the host, and rejects their results with CancelledError", async () => {
  await hosts('faults-terminate', 1);
  const queue = new Queue('faults-terminate', { connection: { host: '127.0.0.1', port: Number(new URL(redis?.url ?? '').port) } });
  try {
    const pool = new Pool({ processes: 4, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: 'faults-terminate' } });
    const results = [1, 2, 3, 4].map(() => pool.apply(sleep, [30]).catch((e: unknown) => e));
    // Handshake: one job runs on the single host and three wait in Redis.
    await withinSeconds(30, (async () => {
      while ((await queue.getWaitingCount()) < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    })(), 'jobs queued');
    await withinSeconds(30, pool.terminate(), 'terminate');
    for (const error of await Promise.all(results)) expect(error).toBeInstanceOf(CancelledError);
    expect(await queue.getWaitingCount()).toBe(0);
    // The running job was stopped on its host too: the host's only worker takes new work well before the
    // 30 s that job would have slept.
    await using next = new Pool({ processes: 1, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: 'faults-terminate' } });
    expect(await withinSeconds(20, next.apply(square, [4]), 'apply on the freed host')).toBe(16);
  } finally {
    await queue.close();
  }
});

clusterTest('shutdown({ cancelFutures: true }) cancels the futures whose jobs no host has started, queued ones in Redis included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'multipool-marks-'));
  const [host] = await hosts('faults-shutdown', 1);
  const queue = new Queue('faults-shutdown', { connection: { host: '127.0.0.1', port: Number(new URL(redis?.url ?? '').port) } });
  try {
    const executor = new ClusterExecutor({ url: redis?.url ?? '', queue: 'faults-shutdown', maxWorkers: 2 });
    const running = executor.submit(markThenSleep, dir, 0, 1);
    // Handshake: the single host runs the first call.
    expect(await eventually(() => readdirSync(dir).includes(`${host?.pid}-0`), 30_000)).toBe(true);
    const inRedis = executor.submit(sleep, 30);
    const notSent = executor.submit(sleep, 30);
    // Handshake: the second call waits in Redis (sent, so running() from this side), the third in the executor.
    await withinSeconds(30, (async () => {
      while ((await queue.getWaitingCount()) < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    })(), 'a job waiting in Redis');
    expect(inRedis.running()).toBe(true);
    await withinSeconds(60, executor.shutdown({ cancelFutures: true }), 'shutdown');
    expect(await running).toBe(0);
    for (const future of [inRedis, notSent]) {
      expect(future.cancelled()).toBe(true);
      await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
    }
    expect(await queue.getWaitingCount()).toBe(0);
  } finally {
    await queue.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreachable Redis rejects within connectTimeout with a message naming it; terminate() still resolves', async () => {
  const pool = new Pool({ processes: 2, backend: 'cluster', cluster: { url: 'redis://127.0.0.1:1', queue: 'nowhere', connectTimeout: 0.5 } });
  const error = (await withinSeconds(30, pool.apply(task(fixtures, tasks.add), [1, 2]).catch((e: unknown) => e), 'apply')) as Error;
  expect(error.message).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 0\.5 s/);
  await withinSeconds(30, pool.terminate(), 'terminate');
  const executor = new ClusterExecutor({ url: 'redis://127.0.0.1:1', queue: 'nowhere', connectTimeout: 0.5 });
  await expect(withinSeconds(30, executor.submit(square, 1).result(), 'submit')).rejects.toThrow(/Cannot reach Redis/);
  await withinSeconds(30, executor.shutdown(), 'shutdown');
});

clusterTest('a host stops on SIGTERM after finishing its running chunk, and says so', async () => {
  const [host] = await hosts('faults-sigterm', 1);
  if (!host) throw new Error('no host');
  await using pool = new Pool({ processes: 1, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: 'faults-sigterm' } });
  const dir = mkdtempSync(join(tmpdir(), 'multipool-marks-'));
  try {
    const result = pool.apply(markThenSleep, [dir, 0, 1]);
    expect(await eventually(() => readdirSync(dir).length > 0, 30_000)).toBe(true);
    host.child.kill('SIGTERM');
    expect(await withinSeconds(30, result, 'the running chunk')).toBe(0);
    expect(await withinSeconds(30, exited(host.child), 'host exit')).toEqual({ code: 0, signal: null });
    expect(host.output()).toMatch(/SIGTERM, finishing the running chunks[\s\S]*multipool worker: stopped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('multipool --help documents the command; a bad flag exits 2 naming it', () => {
  const help = runBin(['--help']);
  expect(help.status).toBe(0);
  for (const flag of ['--url', '--queue', '--tasks', '--concurrency', '--backend', '--stalled-interval', '--max-stalled']) expect(help.stdout).toContain(flag);
  const bad = runBin(['worker', '--url', 'redis://127.0.0.1:1', '--queue', 'q', '--tasks', 'spec/fixtures/cluster-tasks.ts', '--concurrency', '0']);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/Expected `--concurrency` to be a positive integer, got `0`/);
  const noTasks = runBin(['worker', '--url', 'redis://127.0.0.1:1', '--queue', 'q']);
  expect(noTasks.stderr).toMatch(/at least one --tasks/);
});

clusterTest('Redis lost mid-run: waiting results reject within connectTimeout, later calls too, and terminate() resolves', async () => {
  const own = await startRedis();
  let stopped = false;
  try {
    await startHostsOn(own.url, 'faults-lost');
    const pool = new Pool({ processes: 2, backend: 'cluster', cluster: { url: own.url, queue: 'faults-lost', connectTimeout: 1 } });
    expect(await withinSeconds(60, pool.apply(square, [2]), 'apply before')).toBe(4);
    const waiting = pool.apply(sleep, [30]).catch((e: unknown) => e);
    await own.stop();
    stopped = true;
    const error = (await withinSeconds(30, waiting, 'the waiting result')) as Error;
    expect(error.message).toMatch(/Lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ for more than 1 s/);
    await expect(withinSeconds(30, pool.apply(square, [3]), 'apply after')).rejects.toThrow(/Lost the connection to Redis/);
    await withinSeconds(30, pool.terminate(), 'terminate');
  } finally {
    if (!stopped) await own.stop();
  }
});

async function startHostsOn(url: string, queue: string): Promise<void> {
  started.push(await startHost(url, queue, ['--concurrency', '1', '--connect-timeout', '1']));
}

clusterTest('connection options reach ioredis: a password-protected Redis serves with the password and refuses without it', async () => {
  const own = await startRedis(['--requirepass', 'sesame']);
  try {
    started.push(await startHost(own.url, 'faults-auth', ['--concurrency', '1', '--password', 'sesame']));
    await using pool = new Pool({ processes: 1, backend: 'cluster', cluster: { url: own.url, queue: 'faults-auth', redis: { password: 'sesame' } } });
    expect(await withinSeconds(60, pool.apply(square, [5]), 'apply with the password')).toBe(25);
    const refused = new Pool({ processes: 1, backend: 'cluster', cluster: { url: own.url, queue: 'faults-auth', connectTimeout: 1 } });
    const error = (await withinSeconds(30, refused.apply(square, [5]).catch((e: unknown) => e), 'apply without the password')) as Error;
    expect(error.message).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ within 1 s: NOAUTH/);
    await withinSeconds(30, refused.terminate(), 'terminate');
  } finally {
    await own.stop();
  }
});
