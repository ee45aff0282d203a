/**
 * Who the running process or thread is, in `multiprocessing`'s terms: its name, whether it is a daemon, and
 * who started it. The program's main thread is 'MainProcess'; a worker's bootstrap sets the rest. Kept on
 * `globalThis` under a registered symbol, as state.ts does, so every copy of the package in one thread agrees.
 */

/** The process or thread that started this one. */
export interface ParentIdentity {
  readonly name: string;
  readonly pid: number;
}

/** What a worker is told about itself when it starts. */
export interface Identity {
  readonly name: string;
  readonly daemon: boolean;
  readonly parent: ParentIdentity | null;
}

const KEY = Symbol.for('multipool.identity');

const MAIN: Identity = { name: 'MainProcess', daemon: false, parent: null };

/** This process or thread as `multiprocessing` names it. */
export function identity(): Identity {
  return (globalThis as Record<symbol, Identity | undefined>)[KEY] ?? MAIN;
}

/** Called once by a worker's bootstrap, before any task runs. */
export function setIdentity(value: Identity): void {
  (globalThis as Record<symbol, Identity | undefined>)[KEY] = value;
}

/** This process or thread, as a parent describes itself to the workers it starts. */
export function asParent(): ParentIdentity {
  return { name: identity().name, pid: process.pid };
}
