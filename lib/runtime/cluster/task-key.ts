/**
 * How a module task is named on a cluster: its module's path relative to its package root, and its
 * export name (`dist/tasks.js#fib`). A client and a host that hold the same package agree on it
 * wherever the package sits on their disks.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { AnyFunction } from '../function-ref.js';
import { moduleRefOf } from '../function-ref.js';

/** The nearest folder above `file` that holds a package.json; the file's own folder when there is none. */
export function packageRootOf(file: string): string {
  const own = dirname(file);
  for (let dir = own; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return own;
  }
}

/**
 * The cluster name of export `name` of the module at `moduleUrl`.
 *
 * @throws TypeError when `moduleUrl` is not a file: URL (a host cannot load anything else).
 */
export function taskKey(moduleUrl: string, name: string): string {
  if (!moduleUrl.startsWith('file:')) {
    throw new TypeError(`A cluster task must live in a module file, got a task from ${JSON.stringify(moduleUrl)}`);
  }
  const file = fileURLToPath(moduleUrl);
  return `${relative(packageRootOf(file), file).split(sep).join('/')}#${name}`;
}

const keys = new WeakMap<AnyFunction, string>();

/**
 * The cluster name of `fn`, which must be a module task.
 *
 * @throws TypeError naming `argName` when `fn` is an inline function: a host never runs source text.
 */
export function clusterTaskKey(fn: AnyFunction, argName: string): string {
  const cached = keys.get(fn);
  if (cached !== undefined) return cached;
  const ref = moduleRefOf(fn);
  if (!ref) {
    throw new TypeError(
      `\`${argName}\` is an inline function${fn.name ? ` (${fn.name})` : ''}, which the cluster backend cannot run: worker hosts only run ` +
        'exported functions of the modules they load with --tasks. Export it from a module, pass task(import.meta.url, fn), ' +
        'and start the hosts with --tasks pointing at that module.',
    );
  }
  const key = taskKey(ref.url, ref.name);
  keys.set(fn, key);
  return key;
}
