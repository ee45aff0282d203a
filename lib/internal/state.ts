/**
 * Process-wide worker state, kept on `globalThis` under a registered symbol so
 * that every copy of the package loaded in one worker agrees on it.
 */

interface WorkerState {
  /** How many task or initializer modules this worker is importing right now. */
  importing: number;
  /** The module being imported, for the error message. */
  current: string | null;
}

const KEY = Symbol.for('multipool.workerState');

function state(): WorkerState | undefined {
  return (globalThis as Record<symbol, WorkerState | undefined>)[KEY];
}

/**
 * True inside a multipool worker (thread or child process), for code that must behave differently there.
 * To guard a script's main code, as Python's `if __name__ == '__main__':`, use `isMain(import.meta)`:
 * `!isWorker()` is also true in a module that another script imports.
 *
 * @example
 * ```ts
 * import { isWorker } from 'multipool';
 * export function where(): string {
 *   return isWorker() ? 'in a pool worker' : 'in the program';
 * }
 * console.log(where()); // 'in the program'
 * ```
 */
export function isWorker(): boolean {
  return state() !== undefined;
}

export function markWorker(): void {
  (globalThis as Record<symbol, WorkerState | undefined>)[KEY] ??= { importing: 0, current: null };
}

/** Imports a task module in a worker, remembering that an import is under way. */
export async function importInWorker(url: string): Promise<Record<string, unknown>> {
  const current = state();
  if (!current) return (await import(url)) as Record<string, unknown>;
  current.importing += 1;
  current.current = url;
  try {
    return (await import(url)) as Record<string, unknown>;
  } finally {
    current.importing -= 1;
    if (current.importing === 0) current.current = null;
  }
}

/**
 * Throws when a pool is being created by a module that a worker is importing:
 * without this, a script that makes a pool at top level would fork itself
 * forever once its functions are used as module tasks.
 */
export function assertNotImportingTaskModule(what: string): void {
  const current = state();
  if (!current || current.importing === 0) return;
  throw new Error(
    `Cannot create a ${what} while a worker imports the task module ${current.current ?? ''}. ` +
      'The module creates a pool at top level, so every worker would start a pool of its own. ' +
      "Guard the script's main code with `if (isMain(import.meta)) { ... }` (Python's `if __name__ == '__main__':`), " +
      'or move the task functions into a module of their own.',
  );
}
