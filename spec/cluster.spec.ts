/**
 * The cluster backend against a real redis-server and two real `multipool worker` hosts: every Pool and
 * executor method keeps its meaning, values and errors travel as they do locally, and misuse is a clear
 * error at the call.
 */
import type { Future } from 'multipool';
import { asCompleted, ClusterExecutor, Lock, MaybeEncodingError, Pool, RemoteTraceback, task, ThreadPoolExecutor, TimeoutError, wait, WorkerLostError } from 'multipool';

import { MIN_LOOKAHEAD } from '../dist/engine/chunk-feeder.js';
import * as tasks from './fixtures/cluster-tasks.js';
import * as unserved from './fixtures/cluster-unserved.js';
import { withinSeconds } from './support/helpers.js';
import type { Host, RedisServer } from './support/redis.js';
import { redisAvailable, startHost, startRedis } from './support/redis.js';

const fixtures = new URL('./fixtures/cluster-tasks.ts', import.meta.url).href;
const square = task(fixtures, tasks.square);
const add = task(fixtures, tasks.add);
const echo = task(fixtures, tasks.echo);
const fail = task(fixtures, tasks.fail);
const failOdd = task(fixtures, tasks.failOdd);
const sleep = task(fixtures, tasks.sleep);
const exitWorker = task(fixtures, tasks.exitWorker);
const instance = task(fixtures, tasks.instance);
const makeLock = task(fixtures, tasks.makeLock);
const hostPid = task(fixtures, tasks.hostPid);
const triple = task(new URL('./fixtures/cluster-unserved.ts', import.meta.url).href, unserved.triple);

const QUEUE = 'spec-cluster';
const available = redisAvailable();
const clusterTest = available ? test : test.skip;

let redis: RedisServer | undefined;
let hosts: Host[] = [];

beforeAll(async () => {
  if (!available) return;
  redis = await startRedis();
  const url = redis.url;
  hosts = await Promise.all([startHost(url, QUEUE, ['--concurrency', '2']), startHost(url, QUEUE, ['--concurrency', '2'])]);
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.kill()));
  await redis?.stop();
});

function clusterPool(processes = 4): Pool {
  return new Pool({ processes, backend: 'cluster', cluster: { url: redis?.url ?? '', queue: QUEUE } });
}

clusterTest('map, starmap, apply and imap on the cluster give what they give locally', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool();
    const xs = Array.from({ length: 50 }, (_, i) => i);
    expect(await pool.map(square, xs)).toEqual(xs.map((x) => x * x));
    expect(await pool.map(square, xs, 7)).toEqual(xs.map((x) => x * x));
    expect(await pool.starmap(add, [[1, 2], [3, 4]])).toEqual([3, 7]);
    expect(await pool.apply(add, [2, 3])).toBe(5);
    const ordered: number[] = [];
    for await (const y of pool.imap(square, xs.slice(0, 10))) ordered.push(y);
    expect(ordered).toEqual(xs.slice(0, 10).map((x) => x * x));
    const unordered: number[] = [];
    for await (const y of pool.imapUnordered(square, xs.slice(0, 10), 3)) unordered.push(y);
    expect(unordered.sort((a, b) => a - b)).toEqual(xs.slice(0, 10).map((x) => x * x));
  })(), 'cluster map');
});

clusterTest('imap over an endless input pulls lazily and break stops it', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(2);
    let pulled = 0;
    function* naturals(): Generator<number> {
      for (let i = 0; ; i++) {
        pulled = i + 1;
        yield i;
      }
    }
    const got: number[] = [];
    for await (const y of pool.imap(square, naturals())) {
      got.push(y);
      if (got.length === 5) break;
    }
    expect(got).toEqual([0, 1, 4, 9, 16]);
    // The same bound as the local imap spec: the look-ahead is bounded, whatever the backend.
    expect(pulled).toBeLessThanOrEqual(5 + MIN_LOOKAHEAD);
  })(), 'cluster imap');
});

clusterTest('applyAsync and mapAsync run their callbacks, and map reports progress', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool();
    const seen: unknown[] = [];
    const one = pool.applyAsync(add, [1, 1], { callback: (value) => seen.push(value) });
    const many = pool.mapAsync(square, [1, 2, 3], { callback: (values) => seen.push(values) });
    const failing = pool.applyAsync(fail, ['cb'], { errorCallback: (error) => seen.push((error as Error).message) });
    expect(await one.get(30)).toBe(2);
    expect(await many.get(30)).toEqual([1, 4, 9]);
    await expect(failing.get(30)).rejects.toThrow('cb');
    expect(seen).toEqual(expect.arrayContaining([2, [1, 4, 9], 'cb']));
    const progress: number[] = [];
    await pool.map(square, [1, 2, 3, 4], { chunksize: 1, progress: (done) => progress.push(done) });
    expect(progress.at(-1)).toBe(4);
  })(), 'cluster callbacks');
});

clusterTest('typed arrays, Map, BigInt and Buffers survive the round trip through Redis', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(1);
    const value = { f: new Float64Array([1.5, -0]), m: new Map<bigint, Set<string>>([[2n ** 70n, new Set(['a'])]]), b: Buffer.from('hi'), d: new Date(0) };
    const back = await pool.apply(echo, [value]);
    expect(back).toEqual(value);
    expect(Buffer.isBuffer(back.b)).toBe(true);
    expect(back.f).toBeInstanceOf(Float64Array);
  })(), 'cluster values');
});

clusterTest("a task's error keeps its class, message, fields and a RemoteTraceback with the host's stack", async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(1);
    const error = (await pool.apply(fail, ['bad input']).catch((e: unknown) => e)) as Error & { detail?: number };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('bad input');
    expect(error.detail).toBe(42);
    expect(error.cause).toBeInstanceOf(RemoteTraceback);
    expect((error.cause as RemoteTraceback).tb).toMatch(/at fail \(.*cluster-tasks/);
  })(), 'cluster errors');
});

clusterTest('a local worker that dies on a host fails its chunk with WorkerLostError and the host serves on', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(2);
    const error = (await pool.apply(exitWorker).catch((e: unknown) => e)) as WorkerLostError;
    expect(error).toBeInstanceOf(WorkerLostError);
    expect(error.exitCode).toBe(7);
    expect(await pool.apply(add, [1, 2])).toBe(3);
  })(), 'cluster crash containment');
});

clusterTest('a result that cannot cross is a MaybeEncodingError; a timeout or an abort stops the task as locally', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(2);
    await expect(pool.apply(instance)).rejects.toBeInstanceOf(MaybeEncodingError);
    await expect(pool.apply(sleep, [30], { timeout: 0.5 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = pool.apply(sleep, [30], { signal: controller.signal });
    setTimeout(() => controller.abort('enough'), 300);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError', cause: 'enough' });
    // The hosts stopped those local workers: the pool still has both slots' worth of hosts to run on.
    expect(await pool.map(square, [1, 2, 3, 4], 1)).toEqual([1, 4, 9, 16]);
  })(), 'cluster limits');
});

clusterTest('an inline function is a TypeError at the call that says how to fix it', async () => {
  await using pool = clusterPool(1);
  expect(() => pool.applyAsync((x: number) => x, [1])).toThrow(/inline function.*task\(import\.meta\.url, fn\).*--tasks/s);
  await expect(pool.map((x: number) => x, [1])).rejects.toThrow(TypeError);
  await using executor = new ClusterExecutor({ url: redis?.url ?? '', queue: QUEUE });
  expect(() => executor.submit((x: number) => x, 1)).toThrow(TypeError);
});

clusterTest("a task the hosts do not serve fails with an error naming it and the hosts' tasks", async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(1);
    const error = (await pool.apply(triple, [1]).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('does not serve task "spec/fixtures/cluster-unserved.ts#triple"');
    expect(error.message).toContain('spec/fixtures/cluster-tasks.ts#square');
  })(), 'cluster unknown task');
});

clusterTest('chunks run on both hosts', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool(4);
    const pids = new Set<number>();
    for (let round = 0; round < 20 && pids.size < 2; round++) {
      for (const pid of await pool.map(hostPid, [[], [], [], []] as [][], 1)) pids.add(pid);
    }
    expect([...pids].sort()).toEqual(hosts.map((host) => host.pid).sort());
  })(), 'cluster spread');
});

clusterTest('ClusterExecutor: submit, map with per-item errors, and futures that asCompleted and wait mix with local ones', async () => {
  await withinSeconds(60, (async () => {
    await using executor = new ClusterExecutor({ url: redis?.url ?? '', queue: QUEUE, maxWorkers: 3 });
    await using local = new ThreadPoolExecutor(1);
    expect(await executor.submit(add, 20, 22)).toBe(42);
    const got: number[] = [];
    const mapped = executor.map(failOdd, [0, 2, 3, 4]);
    await expect((async () => {
      for await (const y of mapped) got.push(y);
    })()).rejects.toThrow('odd 3');
    expect(got).toEqual([0, 2]);
    const futures: Future<number>[] = [executor.submit(square, 5), local.submit((x: number) => x + 1, 1), executor.submitWith({ timeout: 30 }, add, 1, 1)];
    const done: number[] = [];
    for await (const future of asCompleted(futures, 30)) done.push(await future.result());
    expect(done.sort((a, b) => a - b)).toEqual([2, 2, 25]);
    const { notDone } = await wait([executor.submit(square, 3), local.submit(() => 0)], { timeout: 30 });
    expect(notDone.size).toBe(0);
  })(), 'cluster executor');
});

clusterTest('a shared primitive cannot go to a worker host, nor come back from one: a clear error, and the pool goes on', async () => {
  await withinSeconds(60, (async () => {
    await using pool = clusterPool();
    const lock = new Lock();
    await expect(pool.apply(echo, [lock])).rejects.toThrow(/argument 0 to a worker: it holds a shared primitive .* a worker host cannot use it/);
    await expect(pool.apply(echo, [new SharedArrayBuffer(8)])).rejects.toThrow(TypeError);
    await expect(pool.apply(makeLock)).rejects.toThrow(MaybeEncodingError);
    await expect(pool.apply(makeLock)).rejects.toThrow(/shared primitive/);
    expect(await pool.apply(add, [2, 3])).toBe(5);
  })(), 'shared primitives on a cluster');
});

test('cluster options are checked at construction: url, queue, unknown keys, and what only hosts set', () => {
  expect(() => new Pool({ backend: 'cluster' })).toThrow(/Expected `cluster` to be an object such as/);
  expect(() => new Pool({ backend: 'cluster', cluster: { url: 'http://x', queue: 'q' } })).toThrow(/Expected `cluster.url` to be a Redis URL/);
  expect(() => new Pool({ backend: 'cluster', cluster: { url: 'redis://127.0.0.1:1', queue: 'a:b' } })).toThrow(/Expected `cluster.queue` to be a non-empty string without ':'/);
  expect(() => new Pool({ backend: 'cluster', cluster: { url: 'redis://127.0.0.1:1', queue: 'q', conectTimeout: 1 } as never })).toThrow(/Unknown option `conectTimeout` in cluster options/);
  expect(() => new Pool({ backend: 'cluster', cluster: { url: 'redis://127.0.0.1:1', queue: 'q', connectTimeout: -1 } })).toThrow(RangeError);
  expect(() => new Pool({ cluster: { url: 'redis://127.0.0.1:1', queue: 'q' } })).toThrow(/The `cluster` option needs backend: 'cluster'/);
  expect(() => new Pool({ backend: 'cluster', cluster: { url: 'redis://127.0.0.1:1', queue: 'q' }, initializer: () => {} })).toThrow(/`initializer` is not available on the cluster backend/);
  expect(() => new ClusterExecutor({ url: 'redis://127.0.0.1:1', queue: 'q', maxWorkers: 0 })).toThrow(RangeError);
  expect(() => new ClusterExecutor(undefined as never)).toThrow(TypeError);
});
