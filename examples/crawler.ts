/**
 * Seed 001's crawler ("一个更加复杂的例子": `mp.Process` consumers, a
 * `JoinableQueue` of URLs, a `Manager().dict()` of visited URLs), redone for
 * Node: the async-backend alternative. The faithful port, with `Process`
 * consumers, a `JoinableQueue`, a result `Queue` and a `Manager().dict()`, is
 * examples/crawler-processes.ts. Crawling is I/O-bound, so this one runs on
 * the async backend, `new Pool({ backend: 'async', processes: 8 })`: at most
 * 8 tasks at a time on this event loop. Tasks there may be closures and share
 * plain objects, so the visited set is a `Set`, not a manager proxy, and no
 * lock is needed.
 *
 * No network: the example starts its own HTTP server on 127.0.0.1 with a
 * small generated site (every page answers after a short delay), crawls it
 * from the root once with 1 task at a time and once with 8, checks that both
 * crawls visited the same URLs, prints the number of pages, and closes the
 * server.
 *
 * Run it: node --import tsx examples/crawler.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Pool } from 'multipool';

/** Pages reachable from the root: page 0 is `/`, page i is `/page/i`. */
const LINKED_PAGES = 40;
/** Pages the server has but no page links to: a crawler never finds them. */
const UNLINKED_PAGES = 3;
/** How long the server takes to answer, in milliseconds: the I/O a crawler waits on. */
const DELAY_MS = 20;

const pagePath = (i: number): string => (i === 0 ? '/' : `/page/${i}`);

/** Page i links to pages 2i+1 and 2i+2 (a tree, so every linked page is reachable), back home, and across. */
function linksOf(i: number): string[] {
  const targets = [2 * i + 1, 2 * i + 2, 0, (7 * i + 3) % LINKED_PAGES].filter((t) => t < LINKED_PAGES);
  const links = targets.map(pagePath);
  if (i === 5) links.push('/page/missing'); // one broken link
  return links;
}

function renderPage(i: number): string {
  const anchors = (i < LINKED_PAGES ? linksOf(i) : []).map((href) => `<a href="${href}">${href}</a>`).join(' ');
  return `<html><head><title>Page ${i}</title></head><body>${anchors}</body></html>`;
}

/** Requests being answered now, and the most at once since the last reset. */
const load = { active: 0, most: 0 };
const server = createServer((request, response) => {
  load.active += 1;
  load.most = Math.max(load.most, load.active);
  const match = /^\/(?:page\/(\d+))?$/.exec(request.url ?? '');
  const i = match ? Number(match[1] ?? 0) : NaN;
  setTimeout(() => {
    load.active -= 1;
    if (Number.isInteger(i) && i < LINKED_PAGES + UNLINKED_PAGES) {
      response.writeHead(200, { 'content-type': 'text/html' }).end(renderPage(i));
    } else {
      response.writeHead(404).end('not found');
    }
  }, DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
console.log(`server: ${origin}/ serves ${LINKED_PAGES + UNLINKED_PAGES} pages, ${LINKED_PAGES} of them linked from the root`);

/** The seed's `crawl(url)`: fetch a page, take its title and its links. Runs as a task. */
async function crawl(url: string): Promise<{ title: string; links: string[] }> {
  const response = await fetch(url);
  const html = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const title = /<title>(.*?)<\/title>/.exec(html)?.[1] ?? '';
  const links = [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1] ?? '', url).href);
  return { title, links };
}

interface Crawl {
  readonly visited: ReadonlySet<string>;
  readonly titles: Map<string, string>;
  readonly broken: Map<string, string>;
  readonly seconds: number;
  readonly mostActive: number;
}

/** Crawls from `root` with at most `concurrency` tasks at a time. */
async function crawlSite(root: string, concurrency: number): Promise<Crawl> {
  await using pool = new Pool({ backend: 'async', processes: concurrency });
  const titles = new Map<string, string>(); // the seed's result queue
  const broken = new Map<string, string>();
  // The seed's Manager().dict(): here a plain Set, checked and updated on this event loop only.
  const visited = new Set<string>();
  // The seed's JoinableQueue: count the URLs handed out, resolve once every one is done (tasks.join()).
  let outstanding = 0;
  let joined!: () => void;
  const allDone = new Promise<void>((resolve) => (joined = resolve));
  const taskDone = (): void => {
    outstanding -= 1;
    if (outstanding === 0) joined();
  };
  const put = (url: string): void => {
    if (visited.has(url)) return;
    visited.add(url);
    outstanding += 1;
    // Callbacks run on this event loop as each page finishes, in whatever order they finish.
    pool.applyAsync(crawl, [url], {
      callback: ({ title, links }) => {
        titles.set(url, title);
        for (const link of links) put(link);
        taskDone();
      },
      errorCallback: (error) => {
        broken.set(url, (error as Error).message);
        taskDone();
      },
    });
  };
  load.most = 0;
  const start = process.hrtime.bigint();
  put(root);
  await allDone;
  return { visited, titles, broken, seconds: Number(process.hrtime.bigint() - start) / 1e9, mostActive: load.most };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const crawls: Crawl[] = [];
for (const concurrency of [1, 8]) {
  const result = await crawlSite(`${origin}/`, concurrency);
  crawls.push(result);
  const label = `${plural(concurrency, 'task')} at a time:`;
  console.log(`${label.padEnd(19)} ${result.titles.size} pages in ${result.seconds.toFixed(2)} s, at most ${plural(result.mostActive, 'request')} at once`);
}

const [serial, parallel] = crawls as [Crawl, Crawl];
const sorted = (urls: Iterable<string>): string => [...urls].sort().join();
if (sorted(serial.visited) !== sorted(parallel.visited)) throw new Error('the two crawls visited different URLs');
console.log(`both crawls visited the same ${parallel.visited.size} URLs`);
console.log(`pages: ${parallel.titles.size}`);
for (const [url, reason] of parallel.broken) console.log(`broken link: ${new URL(url).pathname} (${reason})`);
const allPages = Array.from({ length: LINKED_PAGES + UNLINKED_PAGES }, (_, i) => `${origin}${pagePath(i)}`);
const neverVisited = allPages.filter((url) => !parallel.visited.has(url)).map((url) => new URL(url).pathname);
console.log(`never visited: ${neverVisited.join(', ')}`);
console.log(`titles: ${[...parallel.titles.values()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(0, 5).join(', ')}, ...`);

await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
console.log('server closed');
