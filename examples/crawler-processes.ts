/**
 * Seed 001's crawler ("一个更加复杂的例子"), ported line for line: `2 × cpuCount()`
 * consumer `Process`es share a `JoinableQueue` of URLs, a result `Queue` and a
 * `Manager().dict()` of visited URLs. Five URLs go on the queue, then two of
 * them again (`put(url, false)`, as the seed's `tasks.put(u, False)`); each
 * consumer takes URLs with `getNowait()` until the queue is `Empty`, skips the
 * ones already visited, fetches the page title, records it in the dict, calls
 * `taskDone()` and puts the title on the result queue. The main program waits
 * with `tasks.join()`, joins every consumer, then drains the result queue with
 * `getNowait()` until `Empty`.
 *
 * The consumer needs `fetch` and the library's error classes, so it travels as a
 * module task, `task(import.meta.url, run)`: each child imports this file to
 * find `run`, which is why the main program sits behind `isMain(import.meta)`,
 * the analog of `if __name__ == '__main__':`.
 *
 * No network: instead of the seed's five public sites, the example serves five
 * pages from its own HTTP server on 127.0.0.1 and closes it at the end.
 *
 * For a crawler that follows links on one event loop, see examples/crawler.ts
 * (the async backend: no processes, no manager).
 *
 * Run it: node --import tsx examples/crawler-processes.ts [--thread] [--missing]
 *   --thread runs the consumers as worker threads (`backend: 'thread'`,
 *   Python's `multiprocessing.dummy.Process`) instead of child processes;
 *   --missing also queues a page the server does not have: the consumer that
 *   takes it throws (exit code 1, its stack on stderr), the others finish the
 *   queue, and the main program still ends.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { DictProxy } from 'multipool';
import { cpuCount, currentProcess, Empty, isMain, JoinableQueue, Manager, Process, Queue, task } from 'multipool';

/** The seed's five sites, served here as pages of a local server. */
const SITES = ['www.qunar.com', 'www.douban.com', 'www.github.com', 'www.ctrip.com', 'www.v2ex.com'];

/** The seed's `crawl(url)`: the page's title. */
async function crawl(url: string): Promise<string> {
  const response = await fetch(url);
  const html = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return /<title>(.*?)<\/title>/.exec(html)?.[1] ?? '';
}

/** The seed's consumer `run(task_queue, result_queue, visited_set)`, run in every consumer process. */
export async function run(tasks: JoinableQueue<string>, results: Queue<string>, visited: DictProxy<string, string>): Promise<void> {
  const name = currentProcess().name;
  for (;;) {
    let url: string;
    try {
      url = await tasks.getNowait();
    } catch (error) {
      if (error instanceof Empty) return;
      throw error;
    }
    // The seed checks `has_key` here and writes the dict only after the fetch, so a duplicate taken while its
    // first copy is still being fetched is fetched twice. One atomic setdefault claims the URL instead: only
    // the consumer that put this claim there gets it back.
    const claim = `fetching (${name})`;
    if ((await visited.setdefault(url, claim)) !== claim) {
      console.log(`${name}: ${new URL(url).pathname} has been added`);
      await tasks.taskDone();
      continue;
    }
    let title: string;
    try {
      title = await crawl(url);
      await visited.set(url, title);
    } catch (error) {
      await visited.set(url, `failed: ${(error as Error).message}`);
      throw error;
    } finally {
      // Marked done even when the fetch fails, so that tasks.join() in the main program cannot wait forever.
      await tasks.taskDone();
    }
    console.log(`${name}: ${title}`);
    await results.put(title);
  }
}

/** Serves one page per site, `/<site>`, titled after it; anything else is a 404. */
async function startServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const site = SITES.find((s) => request.url === `/${s}`);
    if (site === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><title>${site}</title></head><body></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = (): Promise<void> => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return { origin, close };
}

/** Every item left on `queue`, taken with getNowait() until it is Empty. */
async function drain<T>(queue: Queue<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    try {
      items.push(await queue.getNowait());
    } catch (error) {
      if (error instanceof Empty) return items;
      throw error;
    }
  }
}

if (isMain(import.meta)) {
  const backend = process.argv.includes('--thread') ? 'thread' : 'process';
  const server = await startServer();
  try {
    const tasks = new JoinableQueue<string>();
    const results = new Queue<string>();
    await using manager = new Manager();
    const visited = manager.dict<string, string>();

    const consumers = cpuCount() * 2;
    console.log(`Creating ${consumers} consumers (${backend === 'thread' ? 'worker threads' : 'child processes'})`);
    const urls = SITES.map((site) => `${server.origin}/${site}`);
    for (const url of urls) await tasks.put(url, false);
    if (process.argv.includes('--missing')) await tasks.put(`${server.origin}/www.missing.example`, false);
    await tasks.put(urls[2] ?? '', false);
    await tasks.put(urls[3] ?? '', false);

    const processes = Array.from({ length: consumers }, () => new Process({ target: task(import.meta.url, run), args: [tasks, results, visited], backend }));
    for (const p of processes) p.start();
    // Wait until every URL on the task queue has been processed.
    await tasks.join();
    for (const p of processes) await p.join();

    const titles = await drain(results);
    console.log(`results: ${titles.sort().join(', ')}`);
    const pages = [...(await visited.items())].map(([url, title]) => `${new URL(url).pathname} = ${title}`);
    console.log(`visited: ${pages.sort().join(', ')}`);
    console.log(`exit codes: ${processes.map((p) => p.exitCode).join(', ')}`);
  } finally {
    await server.close();
    console.log('server closed');
  }
}
