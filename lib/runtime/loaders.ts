/**
 * TypeScript task modules in worker threads. On Node 20, ESM hooks that the
 * main thread registered with `--import` (how `tsx script.ts` works) do not
 * reach worker threads (nodejs/node#47747), and tsx registers itself only on
 * the main thread. So when the main script runs under tsx, each worker thread
 * registers tsx's ESM API itself before it loads any task. Child processes
 * need nothing: they inherit `execArgv` and `NODE_OPTIONS` and preload tsx.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

let hints: string[] | null = null;

/** Module URLs a worker thread imports and calls `register()` from; empty when not under tsx. */
export function threadLoaderHints(): string[] {
  hints ??= findHints();
  return hints;
}

function findHints(): string[] {
  if (NODE_MAJOR >= 22) return [];
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const tsxRoot = flags.map(tsxRootOf).find((root) => root !== null);
  if (!tsxRoot) return [];
  const api = join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs');
  return existsSync(api) ? [pathToFileURL(api).href] : [];
}

/** The tsx package folder a loader flag points at, or null. */
function tsxRootOf(flag: string): string | null {
  const value = flag.replace(/^--(import|loader|experimental-loader)=/, '');
  if (value === 'tsx' || value === 'tsx/esm') {
    try {
      return dirname(createRequire(join(process.cwd(), 'index.js')).resolve('tsx/package.json'));
    } catch {
      return null;
    }
  }
  const match = /^(.*[\\/]tsx)[\\/]dist[\\/]/.exec(value.startsWith('file:') ? fileURLToPath(value) : value);
  return match?.[1] ?? null;
}

/** Worker side: registers each hinted loader. */
export async function registerLoaders(hints: readonly string[]): Promise<void> {
  for (const url of hints) {
    const api = (await import(url)) as { register?: () => unknown };
    api.register?.();
  }
}
