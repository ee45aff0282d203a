/**
 * Seeds 003 and 001: concurrent.futures code reads the same for processes and
 * threads.
 * - 003: the `runner` job, submitted to a ProcessPoolExecutor and then to a
 *   ThreadPoolExecutor; `result(timeout)` on the last future raises
 *   TimeoutError when the timeout is shorter than the work.
 * - 001: ProcessPoolExecutor.map hashes texts in input order, and submit +
 *   asCompleted handles each "download" as it finishes, the failing one too.
 *
 * Run it: node --import tsx examples/futures-runner.ts
 */
import { createHash } from 'node:crypto';

import type { Future } from 'multipool';
import { asCompleted, isMain, ProcessPoolExecutor, task, ThreadPoolExecutor, TimeoutError } from 'multipool';

/** Seed 001's create_hash. It needs an import, so workers load it from this module: task(import.meta.url, md5). */
export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Seed 003's runner(index, param), 0.3 s of "work". Self-contained, so it travels inline as source. */
async function runner(index: number, param: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return `runner ${index} finished: ${param}`;
}

/** Seed 001's load_url, without the network: an unknown domain fails. */
async function loadUrl(url: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 10 * url.length));
  if (url.includes('made-up')) throw new Error(`getaddrinfo ENOTFOUND ${new URL(url).hostname}`);
  return `<html>${url.length} bytes</html>`;
}

// Workers import this module to find md5(); only the main program runs what follows.
if (isMain(import.meta)) {
  const runners = ['python', 'java', 'golang', 'php', 'rust', 'shell', 'c'];
  for (const Executor of [ProcessPoolExecutor, ThreadPoolExecutor]) {
    await using executor = new Executor(4);
    console.log(`${Executor.name} with ${executor.maxWorkers} workers`);
    const futures = runners.map((value, index) => executor.submit(runner, index, value));
    const last = futures.at(-1) as Future<string>;
    try {
      await last.result(0.1);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      console.log(`timed out: ${error.message}`);
    }
    for (const line of await Promise.all(futures)) console.log(line);
  }

  {
    await using executor = new ProcessPoolExecutor(); // as many workers as CPUs
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    let i = 0;
    for await (const hash of executor.map(task(import.meta.url, md5), texts)) {
      console.log(`${texts[i++]} ${hash}`);
    }
  }

  {
    await using executor = new ThreadPoolExecutor(4);
    const urls = ['http://www.foxnews.com/', 'http://www.cnn.com/', 'http://europe.wsj.com/', 'http://www.bbc.co.uk/', 'http://some-made-up-domain.com/'];
    // future_to_url = {executor.submit(load_url, url): url for url in URLS}
    const futureToUrl = new Map(urls.map((url) => [executor.submit(loadUrl, url), url] as const));
    // A Map stands for its keys, as a dict does; each future comes back as the very key it was.
    for await (const future of asCompleted(futureToUrl)) {
      const url = futureToUrl.get(future);
      try {
        console.log(`${url} content is ${await future.result()}`);
      } catch (error) {
        console.log(`${url} raised ${(error as Error).message}`);
      }
    }
  }
}
