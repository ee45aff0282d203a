/** The concurrent.futures examples run as a user would run them (`node --import tsx examples/x.ts`) and print what they should. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

function runExample(name: string): string[] {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${name} exited with ${run.status ?? run.signal}: ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line !== '');
}

test('futures-spider (seed 002): submit/done/result, wait FIRST_COMPLETED then with a timeout, asCompleted in finishing order, map in input order', () => {
  const lines = runExample('futures-spider.ts');
  // The spiders print from their worker threads, so those lines may land anywhere between the main program's lines.
  const crawled = lines.filter((line) => line.startsWith('crawl '));
  for (const line of crawled) expect(line).toMatch(/^crawl task[1-4] finished$/);
  const main = lines.filter((line) => !line.startsWith('crawl '));
  expect(main).toHaveLength(13);
  expect(main.slice(0, 4)).toEqual(['task1: false, task2: false, task3: false', 'task1: true, task2: false, task3: false', 'task1 result: 1', 'finished: task1']);
  // wait(timeout) returns what is done by then: task1 (long done) is, every task is in exactly one of the two sets.
  const waited = main[4] ?? '';
  expect(waited).toMatch(/^done: \{task1 <Future state=finished returned number>(, task\d <Future state=finished returned number>)*\}, not done: \{.*\}$/);
  expect((waited.match(/task\d/g) ?? []).sort()).toEqual(['task1', 'task2', 'task3', 'task4']);
  // Submitted as pages 2, 4, 1, 3: each page sleeps 0.2 s more than the one before, so they finish 1, 2, 3, 4.
  expect(main.slice(5, 9)).toEqual(['main: 1', 'main: 2', 'main: 3', 'main: 4']);
  expect(main.slice(9)).toEqual(['task1: 2', 'task2: 3', 'task3: 1', 'task4: 4']);
}, 120_000);

test('futures-runner (seeds 003, 001): one job on both executors with result(timeout) → TimeoutError, ProcessPoolExecutor.map in order, asCompleted with a failure', () => {
  const lines = runExample('futures-runner.ts');
  const runners = ['python', 'java', 'golang', 'php', 'rust', 'shell', 'c'].map((value, index) => `runner ${index} finished: ${value}`);
  const job = (name: string): string[] => [`${name} with 4 workers`, 'timed out', ...runners];
  const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  const hashes = texts.map((text) => `${text} ${createHash('md5').update(text).digest('hex')}`);
  const head = lines.slice(0, 2 * job('').length + texts.length).map((line) => (line.startsWith('timed out: ') ? 'timed out' : line));
  expect(head).toEqual([...job('ProcessPoolExecutor'), ...job('ThreadPoolExecutor'), ...hashes]);
  for (const line of lines.filter((l) => l.startsWith('timed out: '))) expect(line).toMatch(/within 0\.1 s/);
  const urls = ['http://www.foxnews.com/', 'http://www.cnn.com/', 'http://europe.wsj.com/', 'http://www.bbc.co.uk/'];
  const downloads = [...urls.map((url) => `${url} content is <html>${url.length} bytes</html>`), 'http://some-made-up-domain.com/ raised getaddrinfo ENOTFOUND some-made-up-domain.com'];
  // asCompleted() gives them in finishing order, which these short, similar waits do not fix.
  expect(lines.slice(head.length).sort()).toEqual(downloads.sort());
}, 120_000);
