/** Shared test helpers: backends, child-process inspection, handshakes, scripts. */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import type { PoolOptions } from 'multipool';
import { Pool } from 'multipool';

export type BackendName = 'process' | 'thread' | 'async';

export const BACKENDS: readonly BackendName[] = ['process', 'thread', 'async'];

export function makePool(backend: BackendName, options: number | Omit<PoolOptions, 'backend'> = 2): Pool {
  return new Pool({ ...(typeof options === 'number' ? { processes: options } : options), backend });
}

/**
 * For a test whose task waits on a step of the test body (an item to get, a lock to release, an event to set):
 * `await using pool = terminating(makePool(…))` disposes of the pool with `terminate()` instead of `close()` +
 * `join()`. A step that fails or runs out of time then fails the test, where `join()` would wait for ever for
 * a task that nothing releases any more.
 */
export function terminating<P extends Pool>(pool: P): P {
  Object.defineProperty(pool, Symbol.asyncDispose, { value: () => pool.terminate() });
  return pool;
}

/** Live child processes of this test process that are multipool workers (tinypool's process entry). */
export function workerChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('tinypool')) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * OS threads of this process. A worker thread is one more as soon as it is created (process.getActiveResourcesInfo()
 * does not list workers); call `warmThreads()` first so libuv's thread pool is not counted as a change.
 */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Starts libuv's thread pool (four threads on first use), so later thread counts compare like with like. */
export async function warmThreads(): Promise<void> {
  await readFile('/proc/self/stat');
}

/** The state letter of /proc/<pid>/stat, or null once the pid is gone. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/**
 * Alive as `process.kill(pid, 0)` tells, except zombies: a child that exited after its parent died is
 * reparented, and stays a zombie until its new parent (not necessarily a reaping init here) waits for it.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = procState(pid);
  return state !== null && state !== 'Z';
}

/** Polls `condition` every 20 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(condition: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** `promise`, or a rejection naming `what` if it has not settled after `seconds`: the limit of a test that could hang. */
export async function withinSeconds<T>(seconds: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise with its resolver, for handshakes. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A script run with `node --import tsx`, its stdout read line by line. */
export interface Script {
  readonly child: ChildProcess;
  /** The next line the script prints; rejects if it exits first. */
  nextLine(): Promise<string>;
  /** Resolves with the script's exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

export function runScript(path: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Script {
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  let changed = deferred();
  let ended = false;
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    buffer += data;
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
    }
    changed.resolve();
  });
  child.stdout.once('end', () => {
    ended = true;
    changed.resolve();
  });
  const nextLine = async (): Promise<string> => {
    while (lines.length === 0) {
      if (ended) throw new Error(`${path} ended without printing another line`);
      changed = deferred();
      await changed.promise;
    }
    return lines.shift() as string;
  };
  return { child, nextLine, exited };
}
