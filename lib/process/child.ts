/**
 * A started `Process` as its parent sees it: one runtime worker that runs the target once and ends
 * (`WorkerSpec.process`), the exit code it ended with, and its place among this process's children.
 */
import { constants } from 'node:os';
import { inspect } from 'node:util';

import type { Child } from '../internal/children.js';
import { addChild, removeChild } from '../internal/children.js';
import type { Backend, Chunk, WorkerExit, WorkerHandle } from '../runtime/backend.js';
import type { AnyFunction } from '../runtime/function-ref.js';

export interface ChildSpec {
  readonly name: string;
  readonly daemon: boolean;
  readonly target: AnyFunction;
  /** Already copied: what the child receives. */
  readonly args: unknown[];
  /** The Process object, for `activeChildren()`. */
  readonly owner: object;
}

/** Numbers Process workers, as a pool numbers its own (`WorkerSpec.workerId`). */
let nextWorkerId = 1;

export class StartedChild implements Child {
  readonly daemon: boolean;
  readonly owner: object;
  readonly pid: number;
  readonly ended: Promise<void>;
  readonly #name: string;
  readonly #handle: WorkerHandle;
  #exitCode: number | null = null;
  /** Set when the target could not be sent: the child is stopped and counts as having failed. */
  #unsent = false;

  constructor(backend: Backend, spec: ChildSpec) {
    this.daemon = spec.daemon;
    this.owner = spec.owner;
    this.#name = spec.name;
    let end!: () => void;
    this.ended = new Promise((resolve) => (end = resolve));
    // One chunk of one call, as an apply() sends it: the worker runs it and exits with its exit code.
    const chunk: Chunk = { job: 0, index: 0, fn: spec.target, items: [spec.args], star: true, perItem: false };
    this.#handle = backend.spawn(
      { workerId: nextWorkerId++, initializer: null, initargs: [], process: { name: spec.name, daemon: spec.daemon } },
      {
        ready: () => this.#send(chunk),
        // A Process's worker sends no outcomes: its exit code says how the target ended.
        message: () => {},
        exit: (exit) => {
          this.#exitCode = this.#exitCodeOf(exit);
          removeChild(this);
          // Releases what the backend still holds for it.
          void this.#handle.terminate();
          end();
        },
      },
    );
    // A non-daemon keeps its parent's event loop alive until it ends, as Python joins it at exit.
    this.#handle.setRef(!spec.daemon);
    this.pid = this.#handle.pid;
    addChild(this);
  }

  /** `null` while it runs. */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  signal(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (this.#exitCode === null) this.#handle.kill(signal);
  }

  #send(chunk: Chunk): void {
    try {
      this.#handle.post([chunk]);
    } catch (error) {
      // Not expected (the arguments were checked and copied at start()); if it happens, the child fails
      // instead of waiting forever for a target it never got.
      this.#unsent = true;
      this.#report(error);
      this.#handle.kill('SIGKILL');
    }
  }

  /** Python's exit codes: the code, or `-signum` when a signal ended it; 1 for a child that could not start. */
  #exitCodeOf(exit: WorkerExit): number {
    if (this.#unsent) return 1;
    const signum = exit.signal === null ? undefined : constants.signals[exit.signal as NodeJS.Signals];
    if (signum !== undefined) return -signum;
    if (exit.bootError !== undefined) {
      this.#report(exit.bootError);
      return 1;
    }
    // A child process printed its own; a thread's comes to us, and is printed the same way.
    if (exit.uncaught !== undefined) this.#report(exit.uncaught);
    return exit.exitCode ?? 1;
  }

  /** What stopped the child before its target ran, or killed its thread, printed as a child prints what its target threw. */
  #report(error: unknown): void {
    process.stderr.write(`Process ${this.#name}:\n${inspect(error)}\n`);
  }
}
