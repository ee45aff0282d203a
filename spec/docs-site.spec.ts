/**
 * The typedoc site (`npm run docs`) as a reader meets it: the API at the top of the navigation under the
 * package's name, no empty sections, and an example on the calls people start with.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let site: string;

beforeAll(() => {
  site = mkdtempSync(join(tmpdir(), 'multipool-docs-'));
  execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', site], { cwd: root, encoding: 'utf8', timeout: 120_000 });
});

afterAll(() => {
  rmSync(site, { recursive: true, force: true });
});

/** The member section of a class page that typedoc anchors at `id` (a method's lowercased name). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<h3 class="tsd-anchor-link" id="${id}">`);
  if (start < 0) throw new Error(`no section #${id}`);
  const end = html.indexOf('<section class="tsd-panel tsd-member"', start);
  return html.slice(start, end < 0 ? undefined : end);
}

const EXAMPLE = 'class="tsd-tag-example"';

test('the API sits at the top of the navigation, not in a module named "index"', () => {
  expect(existsSync(join(site, 'classes', 'Pool.html'))).toBe(true);
  expect(existsSync(join(site, 'modules'))).toBe(false);
  const pool = readFileSync(join(site, 'classes', 'Pool.html'), 'utf8');
  expect(pool).not.toMatch(/>index<\/a>/);
});

test('no page has a heading for members that are all hidden (inherited from dependencies)', () => {
  for (const dir of ['classes', 'interfaces']) {
    for (const file of readdirSync(join(site, dir))) {
      expect({ file, external: readFileSync(join(site, dir, file), 'utf8').includes('tsd-is-external') }).toEqual({ file, external: false });
    }
  }
});

test.each([
  ['classes/Pool.html', ['map', 'imap', 'imapunordered', 'applyasync', 'starmap']],
  ['classes/Executor.html', ['submit', 'map']],
  ['classes/Process.html', ['join', 'kill']],
])('%s shows an example for %j', (page, ids) => {
  const html = readFileSync(join(site, page), 'utf8');
  for (const id of ids) expect({ id, example: section(html, id).includes(EXAMPLE) }).toEqual({ id, example: true });
});

test.each(['asCompleted', 'wait', 'multiYield'])('functions/%s.html shows an example', (name) => {
  expect(readFileSync(join(site, 'functions', `${name}.html`), 'utf8')).toContain(EXAMPLE);
});
