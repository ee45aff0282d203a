/**
 * A cluster client: the same Pool and executor calls as on one machine, run by whichever worker hosts
 * read the queue. Start Redis and at least one host first (see README.md here), then:
 *
 *   REDIS_URL=redis://127.0.0.1:6379 node --import tsx examples/cluster/client.ts
 */
import { asCompleted, ClusterExecutor, Pool, task, ThreadPoolExecutor } from 'multipool';

import { hostPid, stretch, wordCount } from './tasks.js';

const cluster = { url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', queue: process.env['QUEUE'] ?? 'multipool-demo' };
const tasks = new URL('./tasks.ts', import.meta.url).href;

const lines = ['the quick brown fox', 'jumps over', 'the lazy dog', 'and runs away'];

{
  await using pool = new Pool({ backend: 'cluster', cluster, processes: 4 });
  const counts = await pool.map(task(tasks, wordCount), lines);
  console.log(`word counts: ${counts.join(' ')}`);
  const digests = await pool.starmap(task(tasks, stretch), lines.map((line) => [line, 1000] as [string, number]));
  console.log(`stretched: ${digests.map((digest) => digest.slice(0, 8)).join(' ')}`);
  const hosts = new Set(await pool.map(task(tasks, hostPid), [[], [], [], []] as [][], 1));
  console.log(`ran on ${hosts.size} host(s)`);
}

{
  // Cluster futures and local futures mix in asCompleted.
  await using executor = new ClusterExecutor(cluster);
  await using local = new ThreadPoolExecutor(1);
  const futures = [executor.submit(task(tasks, wordCount), 'one two three'), local.submit((text: string) => text.length, 'four')];
  const results: number[] = [];
  for await (const future of asCompleted(futures, 60)) results.push(await future.result());
  console.log(`futures: ${results.sort((a, b) => a - b).join(' ')}`);
}
