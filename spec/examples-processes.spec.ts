/**
 * The examples built on `Process`, queues, locks, shared values and `Manager` run as a user would run them
 * (`node --import tsx examples/x.ts`) and print what they should, on child processes and on worker threads.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

interface Run {
  readonly status: number | null;
  readonly lines: string[];
  readonly stderr: string;
}

/** Runs an example to its end; `limitMs` kills it (and fails the test) if it has not ended by then. */
function runExample(name: string, args: readonly string[], limitMs: number): Run {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', timeout: limitMs });
  if (run.signal !== null) throw new Error(`${name} did not end within ${limitMs} ms (${run.signal}): ${run.stderr}`);
  return { status: run.status, lines: run.stdout.split('\n').filter((line) => line !== ''), stderr: run.stderr };
}

/** Runs an example that must succeed, and returns its lines. */
function expectSuccess(name: string, args: readonly string[], limitMs: number): string[] {
  const run = runExample(name, args, limitMs);
  if (run.status !== 0) throw new Error(`${name} exited with ${run.status}: ${run.stderr}`);
  return run.lines;
}

const sorted = (items: Iterable<string>): string[] => [...items].sort();

describe('crawler-processes (seed 001): Process consumers share a JoinableQueue, a result Queue and a Manager dict', () => {
  const SITES = ['www.qunar.com', 'www.douban.com', 'www.github.com', 'www.ctrip.com', 'www.v2ex.com'];
  const consumers = 2 * availableParallelism();
  const LIMIT_MS = 60_000;

  /** Checks everything the crawl prints; consumer lines arrive in any order, so they are compared as sets. */
  function expectCrawl(lines: string[], kind: string, failed: number): void {
    expect(lines[0]).toBe(`Creating ${consumers} consumers (${kind})`);
    const consumerLines = lines.filter((line) => /^Process-\d+: /.test(line));
    for (const line of consumerLines) {
      const number = Number(/^Process-(\d+)/.exec(line)?.[1]);
      expect(number).toBeGreaterThanOrEqual(1);
      expect(number).toBeLessThanOrEqual(consumers);
    }
    const rest = consumerLines.map((line) => line.replace(/^Process-\d+: /, ''));
    // Every URL fetched exactly once, and each of the two duplicates skipped exactly once.
    expect(sorted(rest.filter((text) => !text.endsWith(' has been added')))).toEqual(sorted(SITES));
    expect(sorted(rest.filter((text) => text.endsWith(' has been added')))).toEqual(['/www.ctrip.com has been added', '/www.github.com has been added']);
    const main = lines.filter((line) => !/^Process-\d+: /.test(line));
    const visited = SITES.map((site) => `/${site} = ${site}`);
    if (failed > 0) visited.push('/www.missing.example = failed: HTTP 404');
    expect(main.slice(1, 3)).toEqual([`results: ${sorted(SITES).join(', ')}`, `visited: ${sorted(visited).join(', ')}`]);
    const codes = /^exit codes: (.*)$/.exec(main[3] ?? '')?.[1]?.split(', ');
    expect(sorted(codes ?? [])).toEqual(sorted([...Array<string>(consumers - failed).fill('0'), ...Array<string>(failed).fill('1')]));
    expect(main.slice(4)).toEqual(['server closed']);
  }

  test('child processes fetch each of the 5 pages once, skip the 2 duplicates, and every title reaches the result queue', () => {
    expectCrawl(expectSuccess('crawler-processes.ts', [], LIMIT_MS), 'child processes', 0);
  });

  test("with --thread the consumers are worker threads (multiprocessing.dummy) and the crawl's output is the same", () => {
    expectCrawl(expectSuccess('crawler-processes.ts', ['--thread'], LIMIT_MS), 'worker threads', 0);
  });

  test('a page the server does not have: its consumer exits with 1 and its stack on stderr, the rest of the queue is still crawled, nothing hangs', () => {
    const run = runExample('crawler-processes.ts', ['--missing'], LIMIT_MS);
    expect(run.status).toBe(0);
    expectCrawl(run.lines, 'child processes', 1);
    expect(run.stderr).toMatch(/^Process Process-\d+:\nError: HTTP 404$/m);
  });
});

describe('lock-initargs (seed 001 Lock): a Lock passed through initargs keeps each critical section whole', () => {
  const TASKS = 10;
  const LIMIT_MS = 60_000;

  /** Checks the printed log: every task's three lines together, in order, by one worker, in its style. */
  function expectWholeBlocks(lines: string[], workerPrefix: string): void {
    const log = lines.filter((line) => line.startsWith('task '));
    expect(log).toHaveLength(3 * TASKS);
    const ids: number[] = [];
    for (let i = 0; i < log.length; i += 3) {
      const block = log.slice(i, i + 3).map((line) => /^task (\d+) (\w+) \(([\w/]+), (\w+-\d+)\)$/.exec(line));
      const [first] = block;
      const id = Number(first?.[1]);
      const style = id % 2 === 0 ? 'acquire/release' : 'hold';
      expect(block.map((match) => match?.slice(1))).toEqual(['begin', 'work', 'end'].map((step) => [String(id), step, style, first?.[4]]));
      expect(first?.[4]).toMatch(new RegExp(`^${workerPrefix}-[12]$`));
      ids.push(id);
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, i) => i));
    expect(lines.slice(3 * TASKS)).toEqual([`${TASKS} tasks on 2 workers: every task's lines are together`, 'lock held at the end: false']);
  }

  test('acquire()/release() and hold() tasks in two child processes never interleave their lines in the shared file', () => {
    expectWholeBlocks(expectSuccess('lock-initargs.ts', [], LIMIT_MS), 'SpawnPoolWorker');
  });

  test('with --thread the same Lock guards two worker threads', () => {
    expectWholeBlocks(expectSuccess('lock-initargs.ts', ['--thread'], LIMIT_MS), 'ThreadPoolWorker');
  });
});

describe('value-counter: 4 Processes increment a Value under its lock to the exact total', () => {
  const LIMIT_MS = 90_000;

  function expectCounts(lines: string[], kind: string, times: number): void {
    const total = 4 * times;
    expect(lines.slice(0, 2)).toEqual([`4 ${kind} x ${times} increments each`, `with the lock: ${total} (expected ${total})`]);
    expect(lines).toHaveLength(3);
    // How many updates the unlocked RawValue loses depends on timing (often none on threads): only its arithmetic is checked.
    const unlocked = /^without a lock: (\d+) \((\d+) updates lost this run; it varies\)$/.exec(lines[2] ?? '');
    expect(unlocked).not.toBeNull();
    const [value, lost] = [Number(unlocked?.[1]), Number(unlocked?.[2])];
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThanOrEqual(total);
    expect(value + lost).toBe(total);
  }

  test('4 child processes x 250 increments under getLock() give exactly 1000', () => {
    expectCounts(expectSuccess('value-counter.ts', [], LIMIT_MS), 'processes', 250);
  });

  test('4 worker threads x 300 increments give exactly 1200', () => {
    expectCounts(expectSuccess('value-counter.ts', ['300', '--thread'], LIMIT_MS), 'threads', 300);
  });

  test.each([['0'], ['-3'], ['2.5'], ['many']])('an increment count of %s is a RangeError naming the argument', (given) => {
    const run = runExample('value-counter.ts', [given], LIMIT_MS);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`RangeError: Expected \`increments\` to be a positive integer, got "${given}": pass a whole number such as 250`);
    expect(run.lines).toEqual([]);
  });
});
