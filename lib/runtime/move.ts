/**
 * `move()`: values to transfer instead of copy. The mark is kept beside the
 * value, in a WeakSet, not on a wrapper: `move(x)` returns `x` itself, so it
 * fits anywhere a value goes (an argument, a map item, a result) and types
 * stay as they are. The walk that prepares every message (values.ts) looks a
 * mark up only while some mark is pending, so messages without one pay nothing.
 * A mark is one-shot: the message that carries the value consumes it.
 */
import { types } from 'node:util';
import * as workerThreads from 'node:worker_threads';
import { MessagePort } from 'node:worker_threads';

import { describe, withArticle } from '../internal/validate.js';

/** What a mark is kept on: the buffer behind a typed array, or the port. */
export type Movable = ArrayBuffer | MessagePort;

interface Marks {
  readonly set: WeakSet<Movable>;
  /** Marks not yet consumed by a message (a value marked and then dropped keeps this above 0; it costs a lookup per leaf, nothing more). */
  pending: number;
}

const MARKS_KEY = Symbol.for('multipool.moved');

/** Node 21 and later (absent on Node 20). */
const { isMarkedAsUntransferable } = workerThreads as { isMarkedAsUntransferable?: (value: object) => boolean };

// Kept on the global object, so a task importing multipool from another install path marks what this copy sends.
const marks: Marks = ((globalThis as Record<symbol, Marks | undefined>)[MARKS_KEY] ??= { set: new WeakSet(), pending: 0 });

/**
 * Marks `value` to be transferred to or from a worker thread instead of
 * copied: the sender's `ArrayBuffer` becomes detached (`byteLength` 0) and
 * the worker gets the memory without a copy. A typed array or `DataView`
 * moves its whole buffer (every other view over it detaches too); a
 * `MessagePort` must be moved to reach a thread at all. Returns `value`
 * itself. Use it in the arguments of `apply`, `applyAsync`, `submit`,
 * `submitWith`, in map and `multiYield` items (each item's buffers travel
 * with its chunk, so a buffer must not be in two items), or on a task's
 * result. A child process gets a copy (the sender's stays intact) and cannot
 * take a port; the `'async'` backend passes the value itself, copying
 * nothing and detaching nothing. `initargs` go to every worker, so they are
 * never moved. Small Buffers from Node's shared pool (`Buffer.from('…')`)
 * are copied, as Node refuses to transfer its pool.
 *
 * @param value - an `ArrayBuffer`, a typed array, a `DataView` or a `MessagePort`.
 * @returns `value`, marked for the next message that carries it.
 * @throws TypeError for any other value, a `SharedArrayBuffer` (or a view over one: shared memory is
 *   passed as is, never moved), or a buffer that is already detached.
 * @example
 * ```ts
 * import { move, ThreadPool } from 'multipool';
 * await using pool = new ThreadPool(2);
 * const samples = new Float64Array(1_000_000).fill(0.5);
 * const sum = await pool.apply((a: Float64Array) => a.reduce((s, x) => s + x, 0), [move(samples)]);
 * console.log(sum, samples.length); // 500000 0: the memory went to the worker, not a copy
 * ```
 */
export function move<T extends ArrayBuffer | ArrayBufferView | MessagePort>(value: T): T {
  const target = movableOf(value);
  // Node 20 copies a buffer it marked untransferable (its Buffer pool) when one is listed; later versions
  // throw instead, and say which ones: those stay unmarked, so they are copied on every version.
  if (isMarkedAsUntransferable?.(target)) return value;
  if (!marks.set.has(target)) {
    marks.set.add(target);
    marks.pending++;
  }
  return value;
}

/** The object a mark goes on; a TypeError for anything move() does not take. */
function movableOf(value: unknown): Movable {
  if (value instanceof MessagePort) return value;
  const buffer: unknown = ArrayBuffer.isView(value) ? value.buffer : value;
  if (types.isSharedArrayBuffer(buffer)) {
    throw new TypeError(`move() got ${describeShared(value as object)}, which is shared, never moved: pass it as it is, and worker threads see the same memory.`);
  }
  if (!types.isArrayBuffer(buffer)) {
    throw new TypeError(`Expected the argument of move() to be an ArrayBuffer, a typed array, a DataView or a MessagePort, got ${describe(value)}. Other values are copied: pass them without move().`);
  }
  if (isDetached(buffer)) {
    throw new TypeError(`move() got ${describe(value)} whose buffer is detached (moved away already): its memory is gone from this thread. Move a buffer once, or send a copy.`);
  }
  return buffer;
}

/** "a SharedArrayBuffer", or "an Int32Array over a SharedArrayBuffer" for a view over one. */
export function describeShared(value: object): string {
  return ArrayBuffer.isView(value) ? `${withArticle(value.constructor.name)} over a SharedArrayBuffer` : 'a SharedArrayBuffer';
}

/** Node 20 has no `ArrayBuffer.prototype.detached`; a zero-length slice of a detached buffer throws. */
function isDetached(buffer: ArrayBuffer): boolean {
  if (buffer.byteLength > 0) return false;
  try {
    buffer.slice(0);
    return false;
  } catch {
    return true;
  }
}

/** True while some value is marked: the walk looks marks up only then. */
export function movesPending(): boolean {
  return marks.pending > 0;
}

/** Whether `value` (a buffer or a port met by the walk) is marked. */
export function isMoved(value: Movable): boolean {
  return marks.set.has(value);
}

/** Consumes the marks of values a message carried, once it is sent. */
export function releaseMoves(moved: readonly Movable[] | null): void {
  if (!moved) return;
  for (const value of moved) if (marks.set.delete(value)) marks.pending--;
}
