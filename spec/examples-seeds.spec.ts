/** The seed 001 ports run as a user would run them (`node --import tsx examples/x.ts`) and print what they should. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function runExample(name: string, args: string[] = []): string[] {
  const file = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${name} exited with ${run.status ?? run.signal}: ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line !== '');
}

/** Every file under `dir`, sorted by name at each level, as the example walks it. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

/** The example's summary: the md5 of `md5sum`-style lines for every file. */
function listingMd5(root: string, files: string[], contents: (file: string) => Buffer | string): string {
  const listing = files.map((file) => `${createHash('md5').update(contents(file)).digest('hex')}  ${relative(root, file)}\n`).join('');
  return createHash('md5').update(listing).digest('hex');
}

function expectTimings(lines: string[]): void {
  expect(lines[1]).toMatch(/^CPU work: 299! computed \d+ times per file$/);
  expect(lines[2]).toMatch(/^serial {6}hash only: \d+\.\d{3} s {3}with CPU work: \d+\.\d{3} s$/);
  expect(lines[3]).toMatch(/^Pool {8}hash only: \d+\.\d{3} s {3}with CPU work: \d+\.\d{3} s$/);
  expect(lines[4]).toMatch(/^ThreadPool {2}hash only: \d+\.\d{3} s {3}with CPU work: \d+\.\d{3} s$/);
}

describe('file-hashing (seed 001): serial, Pool and ThreadPool hash the same files to the same digests', () => {
  test('a directory given on argv: nested folders, an empty file and binary content, in a stable order', () => {
    const root = mkdtempSync(join(tmpdir(), 'multipool-hash-'));
    try {
      const contents = new Map<string, Buffer | string>([
        ['b.txt', 'bravo\n'],
        ['a.txt', 'alpha\n'],
        ['empty', ''],
        ['nested/deeper/binary.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256))],
        ['nested/z.md', '# z\n'],
        ['nested/a b.txt', 'a name with a space'],
      ]);
      for (const [name, content] of contents) {
        mkdirSync(dirname(join(root, name)), { recursive: true });
        writeFileSync(join(root, name), content);
      }
      const lines = runExample('file-hashing.ts', [root]);
      const files = ['a.txt', 'b.txt', 'empty', 'nested/a b.txt', 'nested/deeper/binary.bin', 'nested/z.md'].map((name) => join(root, name));
      const md5 = listingMd5(root, files, (file) => contents.get(relative(root, file)) ?? '');
      expect(lines).toHaveLength(6);
      expect(lines[0]).toBe(`6 files under ${root} (${availableParallelism()} workers per pool)`);
      expectTimings(lines);
      expect(lines[5]).toBe(`all three digest lists agree: 6 files, listing md5 ${md5}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

  test("without an argument it hashes the repository's lib/", () => {
    const root = fileURLToPath(new URL('../lib', import.meta.url));
    const before = walk(root).length;
    const lines = runExample('file-hashing.ts');
    // Someone editing lib/ meanwhile may add or remove a file: the count is one of the two seen around the run.
    const counts = new Set([before, walk(root).length]);
    expect(lines).toHaveLength(6);
    const count = Number(/^\d+/.exec(lines[0] ?? '')?.[0]);
    expect(counts).toContain(count);
    expect(lines[0]).toBe(`${count} files under ${root} (${availableParallelism()} workers per pool)`);
    expectTimings(lines);
    // The digests themselves are checked on a fixed tree above; lib/ changes as the library does.
    expect(lines[5]).toMatch(new RegExp(`^all three digest lists agree: ${count} files, listing md5 [0-9a-f]{32}$`));
  }, 120_000);
});

test('crawler (seed 001): the async Pool crawls a local site from its root, with 1 and with 8 tasks at a time', () => {
  const lines = runExample('crawler.ts');
  expect(lines).toHaveLength(9);
  expect(lines[0]).toMatch(/^server: http:\/\/127\.0\.0\.1:\d+\/ serves 43 pages, 40 of them linked from the root$/);
  expect(lines[1]).toMatch(/^1 task at a time: {3}40 pages in \d+\.\d\d s, at most 1 request at once$/);
  const parallel = /^8 tasks at a time: {2}40 pages in \d+\.\d\d s, at most (\d) requests at once$/.exec(lines[2] ?? '');
  expect(parallel).not.toBeNull();
  // 8 tasks at a time is a hard bound; how close the server comes to it depends on timing, but the site is wide enough for more than one.
  const most = Number(parallel?.[1]);
  expect(most).toBeGreaterThan(1);
  expect(most).toBeLessThanOrEqual(8);
  expect(lines.slice(3)).toEqual([
    'both crawls visited the same 41 URLs',
    'pages: 40',
    'broken link: /page/missing (HTTP 404)',
    'never visited: /page/40, /page/41, /page/42',
    'titles: Page 0, Page 1, Page 2, Page 3, Page 4, ...',
    'server closed',
  ]);
}, 120_000);
