/**
 * Seed 002: ThreadPoolExecutor with "spider" tasks that sleep `page` units
 * (0.2 s each here, seconds in the original): submit / done / result, wait
 * for FIRST_COMPLETED and then with a timeout, asCompleted (first finished,
 * first seen) and map (input order, whatever finishes first).
 *
 * Run it: node --import tsx examples/futures-spider.ts
 */
import type { Future } from 'multipool';
import { asCompleted, FIRST_COMPLETED, ThreadPoolExecutor, wait } from 'multipool';

/** The seed's spider(page). Self-contained, so it travels to the worker threads as source. */
async function spider(page: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, page * 200));
  console.log(`crawl task${page} finished`);
  return page;
}

await using executor = new ThreadPoolExecutor(5);

// submit() returns a Future at once; done() tells whether it has finished, result() waits for the value.
const [task1, task2, task3] = [1, 2, 3].map((page) => executor.submit(spider, page)) as [Future<number>, Future<number>, Future<number>];
console.log(`task1: ${task1.done()}, task2: ${task2.done()}, task3: ${task3.done()}`);
const first = await task1.result();
console.log(`task1: ${task1.done()}, task2: ${task2.done()}, task3: ${task3.done()}`);
console.log(`task1 result: ${first}`);
await wait([task1, task2, task3]);

// wait(): return at the first finished task, then wait at most 2.5 units more.
const allTasks = [1, 2, 3, 4].map((page) => executor.submit(spider, page));
const firstDone = await wait(allTasks, { returnWhen: FIRST_COMPLETED });
console.log(`finished: ${[...firstDone.done].map((f) => `task${allTasks.indexOf(f) + 1}`).join(', ')}`);
const { done, notDone } = await wait(allTasks, { timeout: 0.5 });
const names = (futures: Set<Future<number>>): string => [...futures].map((f) => `task${allTasks.indexOf(f) + 1} ${f.toString()}`).join(', ');
console.log(`done: {${names(done)}}, not done: {${names(notDone)}}`);
await wait(allTasks);

// asCompleted(): futures come back as they finish, not in the order they were submitted.
const crawls = [2, 4, 1, 3].map((page) => executor.submit(spider, page));
for await (const future of asCompleted(crawls)) console.log(`main: ${await future.result()}`);

// map(): results in input order, even though the 1-unit task finishes first.
let i = 1;
for await (const result of executor.map(spider, [2, 3, 1, 4])) console.log(`task${i++}: ${result}`);
