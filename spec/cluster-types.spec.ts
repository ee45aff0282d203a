/** Type tests for the cluster API: `npm run typecheck` compiles this file; nothing here connects to Redis. */
import type { ClusterOptions, Future } from 'multipool';
import { ClusterExecutor, Pool, task } from 'multipool';

import { square } from './fixtures/cluster-tasks.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_ok?: T): void {}

/** Never called: a pool or executor made here would connect. */
function clusterTypes(): void {
  const executor = new ClusterExecutor({ url: 'redis://127.0.0.1:6379', queue: 'jobs', maxWorkers: 4 });
  const _future = executor.submit(task(import.meta.url, square), 2);
  assertType<Equals<typeof _future, Future<number>>>();
  const pool = new Pool({ backend: 'cluster', cluster: { url: 'rediss://h:6380', queue: 'jobs', connectTimeout: 2, redis: { password: 'p', username: 'u', tls: {} } } });
  const _squares = pool.map(task(import.meta.url, square), [1, 2]);
  assertType<Equals<typeof _squares, Promise<number[]>>>();
  // @ts-expect-error a cluster needs its queue
  const _noQueue: ClusterOptions = { url: 'redis://127.0.0.1:6379' };
  // @ts-expect-error connectTimeout is a number of seconds
  new ClusterExecutor({ url: 'redis://127.0.0.1:6379', queue: 'jobs', connectTimeout: '10s' });
}

test('the cluster API types compile (checked by tsc; the function is never called)', () => {
  expect(typeof clusterTypes).toBe('function');
});
