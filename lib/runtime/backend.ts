/**
 * The interface between the engine and whatever runs the tasks (child
 * processes, worker threads, or the calling event loop): what the engine
 * hands a backend, and what a backend hands back, already decoded.
 */
import type { BrokenExecutor } from '../errors.js';

/** A chunk as the engine holds it: the function itself, not yet a wire definition. */
export interface Chunk {
  readonly job: number;
  readonly index: number;
  readonly fn: (...args: never[]) => unknown;
  readonly items: unknown[];
  readonly star: boolean;
  readonly perItem: boolean;
  /** Stream a generator's items back, at most this many unacknowledged. */
  readonly stream?: number;
  /**
   * Runs alone on an idle worker (a task with a timeout or a signal): it starts when it is sent,
   * and stopping its worker stops nothing else.
   */
  readonly exclusive?: boolean;
  /**
   * Its owner can stay pending while a worker holds it (a `submit`): sent to a worker that has claim words,
   * it is started only if nobody cancelled it first (see claims.ts), so it may wait at a busy worker.
   */
  readonly holdable?: true;
}

/**
 * A chunk's values: an array, or, for a run of numbers that came from another thread or process, a view of
 * the block they crossed in (runs.ts), read in place instead of being copied into an array first.
 */
export type ChunkValues = readonly unknown[] | Float64Array;

/** The outcome of one chunk, rebuilt on the main side. */
export type ChunkOutcome =
  | { readonly kind: 'values'; readonly values: ChunkValues }
  | { readonly kind: 'error'; readonly error: unknown }
  /** Items settled one by one: every value, with failed positions (within the chunk) in `errors`. */
  | { readonly kind: 'items'; readonly values: unknown[]; readonly errors: ReadonlyMap<number, unknown> };

/** Which chunk an outcome belongs to, and how long the chunk ran in its worker (ms). */
export interface ChunkResult {
  readonly job: number;
  readonly index: number;
  readonly ms: number;
  readonly outcome: ChunkOutcome;
}

/** What a worker tells the engine, decoded by the backend. */
export type WorkerMessage =
  | { readonly t: 'results'; readonly results: ChunkResult[] }
  | { readonly t: 'items'; readonly job: number; readonly index: number; readonly values: unknown[] }
  /** The initializer threw: `error` is what it threw, rebuilt. */
  | { readonly t: 'init-error'; readonly error: unknown };

export interface WorkerExit {
  readonly exitCode: number | null;
  /** The signal that ended the worker; for a thread, the one `kill()` stood in for. */
  readonly signal: string | null;
  /** Why the worker could not start, when it died before it was ready. */
  readonly bootError?: unknown;
  /** What a thread threw that nobody caught, which ended it (a child process prints its own). */
  readonly uncaught?: unknown;
}

export interface WorkerEvents {
  /** The worker listens on its channel: `post` may be called from now on. */
  ready(): void;
  message(message: WorkerMessage): void;
  exit(exit: WorkerExit): void;
}

export interface WorkerSpec {
  readonly workerId: number;
  readonly initializer: ((...args: never[]) => unknown) | null;
  readonly initargs: unknown[];
  /**
   * Set for the worker of a `Process`: its name and daemon flag. Such a worker runs the one chunk it is
   * posted, then exits with the target's exit code and sends no outcome back. Without it, the worker is a
   * pool worker, named after its kind and `workerId`.
   */
  readonly process?: { readonly name: string; readonly daemon: boolean };
}

export interface WorkerHandle {
  readonly pid: number;
  readonly threadId: number | undefined;
  /**
   * Sends chunks in one message, once `ready` has fired, with the claim word of each held chunk in `claims`.
   * Throws, sending nothing, when a value cannot be cloned.
   */
  post(chunks: readonly Chunk[], claims?: ReadonlyMap<Chunk, number>): void;
  /** Memory shared with a worker thread for the claim words of the calls it holds (see claims.ts). */
  readonly claimWords?: Int32Array;
  /** Lets the chunk at (`job`, `index`) stream `n` more items (it must be held by this worker). */
  credit(job: number, index: number, n: number): void;
  /** Whether this worker may keep the Node process alive (only while work is outstanding). */
  setRef(ref: boolean): void;
  /** Stops the worker now; resolves once it is gone. */
  terminate(): Promise<void>;
  /**
   * Python's `Process.terminate()`/`kill()`: sends `signal` to a child process, which may handle SIGTERM;
   * a thread, which has no signals, is stopped, and its exit reports `signal` as what ended it.
   */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  /**
   * Takes back the chunks this worker holds but has not started, which it will then never answer (only a
   * cluster slot can: its chunks wait in a shared queue). Resolves with those chunks, as they were posted.
   */
  withdraw?(): Promise<Chunk[]>;
}

/** Where tasks run: child processes, worker threads, worker loops on the calling event loop, or worker hosts pulling from a Redis queue. */
export type BackendKind = 'process' | 'thread' | 'async' | 'cluster';

/** The backends that run tasks on this machine. */
export type LocalBackendKind = Exclude<BackendKind, 'cluster'>;

export interface Backend {
  readonly kind: BackendKind;
  spawn(spec: WorkerSpec, events: WorkerEvents): WorkerHandle;
  /** Checks, at submission, that `fn` can run on this backend; throws a TypeError naming `argName` if not. */
  prepare(fn: (...args: never[]) => unknown, argName: string): void;
  /** The class Python raises for this kind of pool once it is broken. */
  broken(message: string, options?: ErrorOptions): BrokenExecutor;
  /** Releases what the backend shares between its workers (the cluster's connections), once they all stopped. */
  close?(): Promise<void>;
}
