/**
 * Message factories for the errors the engine makes, kept in one place so the wording of every
 * worker failure reads the same.
 */
import { WorkerLostError } from './errors.js';

/** Which worker, for messages: "process 1234" or "thread 7". */
export interface WorkerIdentity {
  readonly id: number;
  readonly pid: number;
  readonly threadId: number | undefined;
}

/** How a worker ended, for messages. */
export interface WorkerEnding {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

function describeWorker(worker: WorkerIdentity): string {
  return `${worker.threadId === undefined ? 'process' : 'thread'} ${worker.threadId ?? worker.pid}`;
}

function describeEnding(exit: WorkerEnding): string {
  return exit.signal ? `was killed by signal ${exit.signal}` : `exited with code ${exit.exitCode}`;
}

/** The message of a pool broken by workers that die before they are ready. */
export function workersFailToStartMessage(exit: WorkerEnding & { readonly bootError?: unknown }): string {
  const reason = exit.bootError instanceof Error ? exit.bootError.message : exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
  return `Workers fail to start (${reason}), the pool is not usable anymore`;
}

/** The message of a pool broken by a throwing initializer; `cause` is what it threw. */
export function initializerFailedMessage(cause: unknown): string {
  // An initializer may throw anything (null included): show its message when it has one, else the value itself.
  const message = (cause as { message?: unknown } | null | undefined)?.message ?? cause;
  return `A worker's initializer failed, the pool is not usable anymore: ${String(message)}`;
}

/** The message of a lazy map whose pool was disposed while nobody read it. */
export function unreadAtDisposeMessage(name: string): string {
  return `This iterator was not read to its end before its ${name} was disposed (the end of its \`await using\` block), so the rest of its input was not read: read it inside the block, or leave the loop with break`;
}

/** The message of an executor broken by a worker that died (Python's "terminated abruptly"). */
export function terminatedAbruptlyMessage(kind: 'process' | 'thread' | 'async' | 'cluster', worker: WorkerIdentity, exit: WorkerEnding): string {
  const what = kind === 'process' ? 'child process' : 'worker thread';
  return `A ${what} terminated abruptly, the ${kind} pool is not usable anymore (${describeWorker(worker)} ${describeEnding(exit)})`;
}

/**
 * The error of a chunk whose worker died. A worker runs its chunks in order: only the first (`position` 0)
 * was running; the others were queued at it.
 */
export function workerLost(worker: WorkerIdentity, exit: WorkerEnding, chunk: { job: number; index: number; size: number }, position: number): WorkerLostError {
  const span = chunk.size === 1 ? `input item ${chunk.index}` : `input items ${chunk.index}-${chunk.index + chunk.size - 1}`;
  const doing = position === 0 ? 'while running' : 'while holding (queued, not started)';
  return new WorkerLostError(`Worker ${worker.id} (${describeWorker(worker)}) ${describeEnding(exit)} ${doing} ${span} of job ${chunk.job}`, exit);
}
