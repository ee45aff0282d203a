/**
 * Python's `multiprocessing.Process`: a target function run once in a child process, or in a worker thread
 * with `backend: 'thread'` (`multiprocessing.dummy.Process`). The target travels as pool tasks do and runs
 * on the pools' runtime: one worker that runs one call and ends (see `StartedChild`).
 */
import { unsendableError } from '../engine/task-handler.js';
import { ProcessError } from '../errors.js';
import { identity } from '../internal/identity.js';
import { assertNotImportingTaskModule } from '../internal/state.js';
import { validateBoolean, validateString, validateTimeout } from '../internal/validate.js';
import type { Backend } from '../runtime/backend.js';
import type { AnyFunction } from '../runtime/function-ref.js';
import { createBackend } from '../runtime/index.js';
import { copyForWorker, destinationOf } from '../runtime/transport.js';
import { StartedChild } from './child.js';
import type { ProcessBackend, ProcessOptions } from './options.js';
import { resolveProcessOptions } from './options.js';

/** Numbers the default names, `Process-1`, `Process-2`, …, in each process or thread, as Python counts. */
let created = 0;

/**
 * A function run once in a child process (Python's `multiprocessing.Process`), or in a worker thread with
 * `backend: 'thread'` (`multiprocessing.dummy.Process`). The target ships as pool tasks do: a self-contained
 * inline function, or `task(import.meta.url, fn)` for one that needs imports. It has no return value, as in
 * Python: pass results back through a file, a queue or a pool.
 *
 * `exitCode` is `null` until it ends, then `0` when the target returned (or its promise resolved), `1` when it
 * threw (its stack is printed on stderr, as Python prints the traceback), `N` after `process.exit(N)`, and
 * `-signum` when a signal ended it: `-15` after `terminate()`, `-9` after `kill()`. A thread has no signals:
 * `terminate()` and `kill()` stop it all the same and it reports `-15` and `-9`, the numbers Python users
 * read (Python's own dummy Process cannot be stopped at all).
 *
 * @typeParam F - the target; `args` are its parameters.
 * @example
 * ```ts
 * import { isMain, Process } from 'multipool';
 *
 * if (isMain(import.meta)) {
 *   const p = new Process({ target: (name: string) => console.log(`hello ${name}`), args: ['bob'] });
 *   p.start();
 *   await p.join();
 *   console.log(p.exitCode); // 0
 * }
 * ```
 */
export class Process<F extends AnyFunction = AnyFunction> {
  readonly #target: F;
  readonly #args: unknown[];
  readonly #backend: Backend;
  #name: string;
  #daemon: boolean;
  #child: StartedChild | null = null;

  /**
   * A Process from its options; nothing runs until `start()`.
   *
   * @param options - `{ target, args?, name?, daemon?, backend? }` (see {@link ProcessOptions}).
   * @throws TypeError when `target` is not a function that can travel (a built-in, a bound function or a
   *   class cannot), `args` is not an array, `name` not a string, `daemon` not a boolean, `backend` neither
   *   `'process'` nor `'thread'`, or an option is unknown.
   */
  constructor(options: ProcessOptions<F>);
  /**
   * A Process that runs `target(...args)` in a child process; nothing runs until `start()`.
   *
   * @param target - the function to run in the child.
   * @param args - its arguments.
   * @throws TypeError as the options form does.
   */
  constructor(target: F, args?: Parameters<F>);
  constructor(targetOrOptions: F | ProcessOptions<F>, args?: Parameters<F>) {
    const options = resolveProcessOptions(targetOrOptions, args);
    this.#backend = createBackend(options.backend);
    this.#backend.prepare(options.target, 'target');
    this.#target = options.target as F;
    this.#args = options.args;
    this.#daemon = options.daemon;
    created += 1;
    this.#name = options.name ?? `Process-${created}`;
  }

  /** Where it runs: `'process'` or `'thread'`. */
  get backend(): ProcessBackend {
    return this.#backend.kind as ProcessBackend;
  }

  /** The name, for messages and `currentProcess()` in the child; default `Process-N`. May be changed at any time. */
  get name(): string {
    return this.#name;
  }

  /**
   * Renames it (the child, already started, keeps the name it was given).
   *
   * @throws TypeError when `name` is not a string.
   */
  set name(name: string) {
    validateString(name, 'name');
    this.#name = name;
  }

  /** Whether it is a daemon: killed when its parent exits, where a non-daemon keeps its parent alive until it ends. */
  get daemon(): boolean {
    return this.#daemon;
  }

  /**
   * Makes it a daemon, or not, before it starts.
   *
   * @throws ProcessError once started, as Python; TypeError when `daemon` is not a boolean.
   */
  set daemon(daemon: boolean) {
    if (this.#child) throw new ProcessError('cannot set `daemon` of a process that has already started; set it before start()');
    validateBoolean(daemon, 'daemon');
    this.#daemon = daemon;
  }

  /** The child's process id, set when `start()` returns (for a thread, this process's id); `undefined` before. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** `null` until it has ended; then 0, 1, the code it exited with, or `-signum` (see {@link Process}). */
  get exitCode(): number | null {
    return this.#child?.exitCode ?? null;
  }

  /**
   * Starts the child, which runs `target(...args)` once. The arguments are copied now, as Python pickles
   * them: changing them afterwards does not reach the child. An argument that holds a shared primitive,
   * shared memory or a value marked by `move()` is the exception: it travels as it is when the child is
   * ready, so pass such values on their own rather than inside an object you change after `start()`.
   *
   * @throws ProcessError when called a second time ("cannot start a process twice") or from a daemon (a pool
   *   worker or a daemon Process), which may not have children, as in Python.
   * @throws TypeError when an argument cannot be sent (a function, a symbol, a class instance).
   */
  start(): void {
    if (this.#child) throw new ProcessError('cannot start a process twice');
    if (identity().daemon) throw new ProcessError(`daemonic processes are not allowed to have children (this is ${identity().name})`);
    assertNotImportingTaskModule('Process');
    const unsendable = unsendableError({ job: 0, index: 0, fn: this.#target, items: [this.#args], star: true, perItem: false }, destinationOf(this.#backend.kind));
    if (unsendable) throw unsendable;
    this.#child = new StartedChild(this.#backend, { name: this.#name, daemon: this.#daemon, target: this.#target, args: copyForWorker(this.#args), owner: this });
  }

  /**
   * Waits until the child has ended, or until `timeout` seconds have passed; like Python's, it does not
   * say which: look at `exitCode` or `isAlive()`.
   *
   * @param timeout - seconds to wait at most; `undefined` or `null` waits as long as it runs.
   * @throws ProcessError (as a rejection) before `start()`; TypeError or RangeError for a bad `timeout`.
   * @example
   * ```ts
   * import { Process } from 'multipool';
   * const p = new Process(() => new Promise((resolve) => setTimeout(resolve, 60_000)));
   * p.start();
   * await p.join(0.1); // returns after 0.1 s, the target still running
   * console.log(p.isAlive(), p.exitCode); // true null
   * p.terminate();
   * await p.join();
   * console.log(p.exitCode); // -15
   * ```
   */
  async join(timeout?: number | null): Promise<void> {
    validateTimeout(timeout);
    const child = this.#child;
    if (!child) throw new ProcessError('can only join a started process: call start() first');
    if (timeout === undefined || timeout === null) return child.ended;
    let timer: NodeJS.Timeout | undefined;
    const passed = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeout * 1000);
    });
    try {
      await Promise.race([child.ended, passed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True from the moment `start()` returns until the child has ended. */
  isAlive(): boolean {
    return this.#child !== null && this.#child.exitCode === null;
  }

  /**
   * Sends SIGTERM (a thread is stopped); returns at once, so `join()` to wait for the end. A child process
   * may handle SIGTERM; one that has ended is left alone.
   *
   * @throws ProcessError before `start()`.
   */
  terminate(): void {
    this.#started('terminate').signal('SIGTERM');
  }

  /**
   * Sends SIGKILL (a thread is stopped), which cannot be handled; returns at once, so `join()` to wait.
   *
   * @throws ProcessError before `start()`.
   * @example
   * ```ts
   * import { Process } from 'multipool';
   * const spinner = new Process({ target: () => { for (;;); }, backend: 'thread' });
   * spinner.start();
   * spinner.kill();
   * await spinner.join();
   * console.log(spinner.exitCode); // -9, as a process killed by SIGKILL
   * ```
   */
  kill(): void {
    this.#started('kill').signal('SIGKILL');
  }

  #started(what: string): StartedChild {
    if (!this.#child) throw new ProcessError(`cannot ${what} a process that has not been started: call start() first`);
    return this.#child;
  }
}
