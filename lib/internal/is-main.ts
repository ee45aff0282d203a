/**
 * `isMain(import.meta)`: Python's `if __name__ == '__main__':`, true only in the
 * module Node was started with.
 */
import { realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

import { isWorker } from './state.js';
import { describe } from './validate.js';

/** What `node script` may leave out of the script's name (tsx resolves TypeScript extensions too). */
const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx'];

/** The real paths the main script may be, worked out once: `process.argv[1]` does not change. */
let mainPaths: ReadonlySet<string> | null = null;

function realFile(path: string): string | null {
  try {
    return statSync(path).isFile() ? realpathSync(path) : null;
  } catch {
    return null;
  }
}

/**
 * `process.argv[1]` as Node resolved it: the path as given (through symlinks), or with an extension or an
 * `index` file added. Every existing candidate counts, since the loader (tsx included) picked one of them.
 */
function resolveMainPaths(): ReadonlySet<string> {
  const entry = process.argv[1];
  // `node -e`, `node -p` and the REPL have no main script.
  if (entry === undefined || entry === '') return new Set();
  const base = resolve(entry);
  const exact = realFile(base);
  if (exact !== null) return new Set([exact]);
  const candidates = [...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => join(base, `index${ext}`))];
  return new Set(candidates.map(realFile).filter((path) => path !== null));
}

/**
 * True only in the script Node was started with (`node main.ts`, `tsx main.ts`): the analog of Python's
 * `if __name__ == '__main__':`. False in a module that script (or any other) imports, and in every worker,
 * which imports the script for its module tasks. `!isWorker()` is not the same: it is also true in a module
 * that another script imports. Symlinks and a script named without its extension are resolved as Node does.
 *
 * @param meta - the calling module's `import.meta`.
 * @throws TypeError when `meta` is not an `import.meta` (an object with a `url`).
 * @example
 * ```ts
 * import { isMain, Pool, task } from 'multipool';
 *
 * export function square(x: number): number {
 *   return x * x;
 * }
 *
 * // Workers import this module to find square(); only `node main.ts` runs what follows.
 * if (isMain(import.meta)) {
 *   await using pool = new Pool(2);
 *   console.log(await pool.map(task(import.meta.url, square), [1, 2, 3])); // [1, 4, 9]
 * }
 * ```
 */
export function isMain(meta: { readonly url: string }): boolean {
  const url = (meta as { url?: unknown } | null | undefined)?.url;
  if (typeof url !== 'string') throw new TypeError(`Expected \`meta\` to be \`import.meta\` (an object with a \`url\`), got ${describe(meta)}`);
  // Worker threads share the main thread's process.argv, so argv says nothing about them.
  if (!isMainThread || isWorker() || !url.startsWith('file:')) return false;
  mainPaths ??= resolveMainPaths();
  // Loaders may add a query or a hash to a module's URL.
  const path = realFile(fileURLToPath(url.replace(/[?#].*$/, '')));
  return path !== null && mainPaths.has(path);
}
