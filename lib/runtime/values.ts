/**
 * What structured clone changes without a word, and what must not cross at
 * all. A class instance arrives as a plain object without its methods, so it
 * is refused before it crosses (the callers turn it into a TypeError or a
 * MaybeEncodingError); so is shared memory or a port bound for a child
 * process, and a port that a thread could only get by transfer. A `Buffer`
 * sent over a MessagePort arrives as a plain `Uint8Array`, so the sender
 * lists the Buffers it sends (structured clone keeps their identity within a
 * message) and the receiver gives them their prototype back: the same memory,
 * no copy. v8 serialization (child processes) keeps Buffers as they are. The
 * same walk gathers the values marked by `move()` (move.ts).
 */
import { createRequire } from 'node:module';
import { types } from 'node:util';
import { MessagePort } from 'node:worker_threads';

import { withArticle } from '../internal/validate.js';
import { TO_HANDLE } from './handles.js';
import type { Movable } from './move.js';
import { describeShared, isMoved, movesPending } from './move.js';
import type { Crossing } from './protocol.js';

/** Deeper than this, a value (maybe a cyclic one) takes the walk that remembers what it saw. */
const TREE_DEPTH = 64;
/** More containers than this, likewise: a value that shares much would be walked again and again. */
const TREE_VISITS = 1 << 20;
const GIVE_UP: object = Object.freeze({});
let visits = 0;

/** Where walked values are going, and what the walk gathers there for that channel. */
export class Gather {
  readonly crossing: Crossing;
  /** The Buffers found, when the values cross a MessagePort (see restoreBuffers); null while none. */
  buffers: Buffer[] | null = null;
  /** The values marked by `move()` found, each once (a transfer list refuses duplicates); null while none. */
  moved: Movable[] | null = null;
  /** Whether a shared primitive was found: it crosses as a handle (see handles.ts). */
  handles = false;

  constructor(crossing: Crossing) {
    this.crossing = crossing;
  }

  addMoved(value: Movable): void {
    this.moved ??= [];
    if (!this.moved.includes(value)) this.moved.push(value);
  }

  /** Whether shared primitives were found since the last call: a batch encodes handles run by run. */
  takeHandles(): boolean {
    const found = this.handles;
    this.handles = false;
    return found;
  }

  /** What has been gathered so far, for {@link Gather.rollback}. */
  mark(): GatherMark {
    return { buffers: this.buffers?.length ?? 0, moved: this.moved?.length ?? 0, handles: this.handles };
  }

  /**
   * Forgets what a walk that gave up gathered since `mark`, so the walk that follows does not list it twice;
   * what earlier walks gathered into the same Gather (other runs of a batch, other outcomes) stays.
   */
  rollback(mark: GatherMark): void {
    if (this.buffers) this.buffers.length = mark.buffers;
    if (this.moved) this.moved.length = mark.moved;
    this.handles = mark.handles;
  }
}

/** How much a {@link Gather} held at some point. */
export interface GatherMark {
  readonly buffers: number;
  readonly moved: number;
  readonly handles: boolean;
}

/**
 * Walks `values` (into arrays, plain objects, `Map`s and `Set`s) for what
 * structured clone would change. Returns the first class instance found, or
 * null; with a `gather`, also the first value that cannot go where it goes
 * (see {@link refusedOnTheWay}; the `'reference'` crossing refuses nothing),
 * and gathers what its channel needs on the way.
 * Primitives cost a `typeof`, arrays and plain objects no allocation, and
 * each prototype is judged once. Values walked as trees first; one that is
 * too deep or too large for that (a cycle, much sharing) is walked again,
 * each object once.
 */
export function findRefused(values: readonly unknown[], gather: Gather | null = null): object | null {
  visits = 0;
  const mark = gather?.mark();
  const found = treeWalk(values, gather, 0);
  if (found !== GIVE_UP) return found;
  if (gather && mark) gather.rollback(mark);
  return graphWalk(values, gather);
}

function treeWalk(values: ArrayLike<unknown>, gather: Gather | null, depth: number): object | null {
  for (let i = 0; i < values.length; i++) {
    const found = treeVisit(values[i], gather, depth);
    if (found !== null) return found;
  }
  return null;
}

function treeVisit(value: unknown, gather: Gather | null, depth: number): object | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > TREE_DEPTH || ++visits > TREE_VISITS) return GIVE_UP;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Array.prototype) return treeWalk(value as unknown[], gather, depth + 1);
  if (proto === Object.prototype || proto === null) {
    for (const key in value) {
      const found = treeVisit((value as Record<string, unknown>)[key], gather, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  const children = childrenOf(value, proto);
  return children ? treeWalk(children, gather, depth + 1) : leaf(value, proto, gather);
}

function graphWalk(values: readonly unknown[], gather: Gather | null): object | null {
  // Shared and cyclic references are walked once, as structured clone copies them once.
  const seen = new Set<object>();
  const stack = [...values];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as object | null;
    const children = childrenOf(value, proto);
    if (children) {
      for (const child of children) stack.push(child);
      continue;
    }
    const found = leaf(value, proto, gather);
    if (found !== null) return found;
  }
  return null;
}

/** The values inside a container structured clone walks into (keys too, for a Map), or null. */
function childrenOf(value: object, proto: object | null): readonly unknown[] | null {
  if (proto === Array.prototype) return value as unknown[];
  if (proto === Object.prototype || proto === null) return Object.values(value as Record<string, unknown>);
  if (proto === Map.prototype) {
    const entries: unknown[] = [];
    for (const [key, item] of value as Map<unknown, unknown>) entries.push(key, item);
    return entries;
  }
  if (proto === Set.prototype) return [...(value as Set<unknown>)];
  return null;
}

/** Anything but a container: a Buffer is listed, a built-in passes, a class instance is the answer. */
function leaf(value: object, proto: object | null, gather: Gather | null): object | null {
  if (gather !== null) {
    if (refusedOnTheWay(value, gather)) return value;
    if (gather.crossing === 'reference') return null;
  }
  if (proto === Buffer.prototype) {
    if (gather?.crossing === 'clone') (gather.buffers ??= []).push(value as Buffer);
    return null;
  }
  if (proto === null) return null;
  const verdict = lostClassOf(proto);
  if (verdict !== SHAREABLE) return verdict === null ? null : value;
  if (gather) gather.handles = true;
  return null;
}

/**
 * Gathers `value` when `move()` marked it (or its buffer); true when it cannot go where `gather` goes:
 * shared memory or a port to a child process, a port not moved to a thread.
 */
function refusedOnTheWay(value: object, gather: Gather): boolean {
  if (value instanceof MessagePort) {
    if (gather.crossing === 'v8') return true;
    if (movesPending() && isMoved(value)) {
      gather.addMoved(value);
      return false;
    }
    return gather.crossing === 'clone';
  }
  const buffer: object = ArrayBuffer.isView(value) ? value.buffer : value;
  if (gather.crossing === 'v8' && types.isSharedArrayBuffer(buffer)) return true;
  if (movesPending() && isMoved(buffer as ArrayBuffer)) gather.addMoved(buffer as ArrayBuffer);
  return false;
}

/**
 * Why `found` (a value inside `value` that `findRefused` refused on its way over `crossing`) cannot
 * cross, and the fix: "it is a Point instance, …" or "it holds a Point instance, …".
 */
export function refusalMessage(value: unknown, found: object, crossing: Crossing): string {
  const verb = found === value ? 'is' : 'holds';
  if (found instanceof MessagePort) {
    return crossing === 'v8'
      ? `it ${verb} a MessagePort, which cannot go to a child process (a port joins threads of one process). Use a ThreadPool (backend 'thread') to pass it.`
      : `it ${verb} a MessagePort, which a thread can only get by transfer: pass move(port) instead.`;
  }
  const buffer: unknown = ArrayBuffer.isView(found) ? found.buffer : found;
  if (crossing === 'v8' && types.isSharedArrayBuffer(buffer)) {
    return (
      `it ${verb} ${describeShared(found)}, which a child process cannot share (only worker threads share memory with this thread; ` +
      'a copy would silently stop being shared). Use a ThreadPool (backend \'thread\') to share it, or send a copy of its contents in an ArrayBuffer.'
    );
  }
  return lostClassMessage(verb, found);
}

/** Why a class instance cannot cross, and the fix. */
function lostClassMessage(verb: string, found: object): string {
  const name = lostClassOf(Object.getPrototypeOf(found) as object) ?? 'object';
  const what = name === CUSTOM_PROTOTYPE ? 'an object with a custom prototype' : `${withArticle(name)} instance`;
  return (
    `it ${verb} ${what}, which would arrive as a plain object without its class or methods. ` +
    `Send plain data instead (its fields) and rebuild the ${name === CUSTOM_PROTOTYPE ? 'object' : name} on the other side: ` +
    'a module task, task(import.meta.url, fn), can import the class.'
  );
}

/** Gives Buffers that a MessagePort delivered as plain Uint8Arrays their prototype back. */
export function restoreBuffers(views: readonly Uint8Array[] | undefined): void {
  if (!views) return;
  for (const view of views) if (!(view instanceof Buffer)) Object.setPrototypeOf(view, Buffer.prototype as object);
}

const CUSTOM_PROTOTYPE = '';
/** The verdict for a shared primitive's class: it crosses, as a handle. */
const SHAREABLE = '\0shareable';

/** Prototype → null for a built-in structured clone keeps, else the class name ('' for a custom prototype). */
const verdicts = new WeakMap<object, string | null>();

function lostClassOf(proto: object): string | null {
  let verdict = verdicts.get(proto);
  if (verdict === undefined) {
    verdict = judge(proto);
    verdicts.set(proto, verdict);
  }
  return verdict;
}

function judge(proto: object): string | null {
  if (TO_HANDLE in proto) return SHAREABLE;
  // Typed arrays, DataView and errors of every class clone (errors as the nearest built-in class).
  if (isPrototypeOf(proto, Object.getPrototypeOf(Uint8Array.prototype) as object) || proto === DataView.prototype || isPrototypeOf(proto, Error.prototype)) {
    return null;
  }
  const ctor = Object.hasOwn(proto, 'constructor') ? (proto as { constructor: unknown }).constructor : undefined;
  if (typeof ctor !== 'function' || ctor.prototype !== proto) return CUSTOM_PROTOTYPE;
  // Built-ins (Date, RegExp, ArrayBuffer, MessagePort, boxed primitives, and those of another realm) are native.
  if (/\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(ctor))) return null;
  if (nodeCloneables().some((known) => isPrototypeOf(proto, known))) return null;
  return ctor.name || 'anonymous class';
}

function isPrototypeOf(proto: object, ancestor: object): boolean {
  return proto === ancestor || Object.prototype.isPrototypeOf.call(ancestor, proto);
}

let cloneables: object[] | null = null;

/** Node's classes written in JavaScript that a MessagePort clones on purpose (v8 serialization refuses them). */
function nodeCloneables(): object[] {
  if (cloneables) return cloneables;
  const require = createRequire(import.meta.url);
  const crypto = require('node:crypto') as typeof import('node:crypto');
  const net = require('node:net') as typeof import('node:net');
  const { createHistogram } = require('node:perf_hooks') as typeof import('node:perf_hooks');
  const globals = globalThis as { Blob?: { prototype: object }; File?: { prototype: object }; CryptoKey?: { prototype: object } };
  cloneables = [
    crypto.KeyObject.prototype,
    crypto.X509Certificate.prototype,
    net.BlockList.prototype,
    net.SocketAddress.prototype,
    Object.getPrototypeOf(createHistogram()) as object,
    globals.Blob?.prototype,
    globals.File?.prototype,
    globals.CryptoKey?.prototype,
  ].filter((proto): proto is object => proto !== undefined);
  return cloneables;
}
