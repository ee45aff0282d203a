/**
 * `multiprocessing`'s module functions about processes: who is running (`currentProcess`,
 * `parentProcess`), which children are alive (`activeChildren`), and how many CPUs there are (`cpuCount`).
 */
import { availableParallelism } from 'node:os';

import { liveChildren } from '../internal/children.js';
import { identity } from '../internal/identity.js';
import type { Process } from './process.js';

/** A process or thread, as `currentProcess()` describes it. */
export interface ProcessInfo {
  /** `'MainProcess'` in the program; a Process's name in its child; `SpawnPoolWorker-N` or `ThreadPoolWorker-N` in a pool worker. */
  readonly name: string;
  /** This process's id (a thread shares its process's). */
  readonly pid: number;
  /** True in a daemon Process and in pool workers (Python's pool workers are daemons). */
  readonly daemon: boolean;
}

/** The process or thread that started this one. */
export interface ParentProcessInfo {
  readonly name: string;
  readonly pid: number;
}

/**
 * The running process or thread: Python's `multiprocessing.current_process()`.
 *
 * @example
 * ```ts
 * import { currentProcess } from 'multipool';
 * console.log(currentProcess().name); // 'MainProcess'
 * ```
 */
export function currentProcess(): ProcessInfo {
  const { name, daemon } = identity();
  return { name, pid: process.pid, daemon };
}

/**
 * The process or thread that started this one, or `null` in the program itself: Python's
 * `multiprocessing.parent_process()`.
 *
 * @example
 * ```ts
 * import { parentProcess } from 'multipool';
 * console.log(parentProcess()); // null in the program; { name: 'MainProcess', pid } in its children
 * ```
 */
export function parentProcess(): ParentProcessInfo | null {
  const { parent } = identity();
  return parent && { name: parent.name, pid: parent.pid };
}

/**
 * The Processes this process or thread started that are still running: Python's
 * `multiprocessing.active_children()`. Ended ones are forgotten as they end.
 *
 * @example
 * ```ts
 * import { activeChildren, Process } from 'multipool';
 * const p = new Process({ target: () => new Promise((resolve) => setTimeout(resolve, 100)) });
 * p.start();
 * console.log(activeChildren().includes(p)); // true
 * await p.join();
 * console.log(activeChildren().length); // 0
 * ```
 */
export function activeChildren(): Process[] {
  return liveChildren()
    .map((child) => child.owner as Process)
    .filter((p) => p.isAlive());
}

/**
 * The number of CPUs this process may use (`os.availableParallelism()`): Python's `multiprocessing.cpu_count()`,
 * and the default size of a Pool.
 *
 * @example
 * ```ts
 * import { cpuCount } from 'multipool';
 * console.log(cpuCount() >= 1); // true
 * ```
 */
export function cpuCount(): number {
  return availableParallelism();
}
