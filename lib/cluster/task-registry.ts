/**
 * The tasks a worker host serves: every exported function of the modules it was given with `--tasks`,
 * under the name a client gives them (task-key.ts). Only these run; nothing from the queue is ever
 * evaluated as code.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { taskKey } from '../runtime/cluster/task-key.js';
import type { AnyFunction } from '../runtime/function-ref.js';
import { task } from '../runtime/function-ref.js';

export class TaskRegistry {
  readonly #tasks = new Map<string, AnyFunction>();

  /**
   * Imports each module (paths relative to `cwd`) and registers its exported functions.
   *
   * @throws the import's own error for a module that cannot load; an Error for one that exports no function.
   */
  static async load(paths: readonly string[], cwd = process.cwd()): Promise<TaskRegistry> {
    const registry = new TaskRegistry();
    for (const path of paths) {
      const url = pathToFileURL(resolve(cwd, path)).href;
      const exports = (await import(url)) as Record<string, unknown>;
      let found = 0;
      for (const [name, value] of Object.entries(exports)) {
        // A class is exported as a function too, but cannot be called as a task.
        if (typeof value !== 'function' || name === 'default' || /^class\b/.test(Function.prototype.toString.call(value))) continue;
        // Local workers import the module themselves, as for any task(import.meta.url, fn).
        registry.#tasks.set(taskKey(url, name), task(url, value as AnyFunction, name));
        found++;
      }
      if (found === 0) throw new Error(`${path} exports no function: a --tasks module serves its named function exports`);
    }
    return registry;
  }

  /** The names served, sorted, for the start-up banner and for errors. */
  get names(): string[] {
    return [...this.#tasks.keys()].sort();
  }

  /**
   * The function a job names.
   *
   * @throws Error naming the task and the names this host serves, when it serves no such task.
   */
  get(key: string): AnyFunction {
    const fn = this.#tasks.get(key);
    if (fn) return fn;
    throw new Error(
      `This worker host does not serve task "${key}"; it serves: ${this.names.join(', ')}. ` +
        'Start a host with --tasks pointing at the module that exports it (the same path within its package as the client imports).',
    );
  }
}
