/** What `npm publish` would ship: the compiled package plus what its source maps and declaration maps point to. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('every source that a shipped source map or declaration map points to is shipped too', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as [{ files: { path: string }[] }];
  const shipped = new Set(pack.files.map((file) => file.path));
  const maps = [...shipped].filter((path) => path.endsWith('.js.map') || path.endsWith('.d.ts.map'));
  expect(maps.length).toBeGreaterThan(40);
  const missing: string[] = [];
  for (const map of maps) {
    const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
    for (const source of sources) {
      // Stack traces and go-to-definition name this file: it has to exist in node_modules/multipool.
      const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
      if (!shipped.has(path)) missing.push(`${map} -> ${path}`);
    }
  }
  expect(missing).toEqual([]);
});
