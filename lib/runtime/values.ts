/**
 * What structured clone changes without a word. A class instance arrives as a
 * plain object without its methods, so it is refused before it crosses (the
 * callers turn it into a TypeError or a MaybeEncodingError). A `Buffer` sent
 * over a MessagePort arrives as a plain `Uint8Array`, so the sender lists the
 * Buffers it sends (structured clone keeps their identity within a message)
 * and the receiver gives them their prototype back: the same memory, no copy.
 * v8 serialization (child processes) keeps Buffers as they are.
 */
import { createRequire } from 'node:module';

import { TO_HANDLE } from './handles.js';

/** Deeper than this, a value (maybe a cyclic one) takes the walk that remembers what it saw. */
const TREE_DEPTH = 64;
/** More containers than this, likewise: a value that shares much would be walked again and again. */
const TREE_VISITS = 1 << 20;
const GIVE_UP: object = Object.freeze({});
let visits = 0;
let shareables = 0;

/**
 * Walks `values` (into arrays, plain objects, `Map`s and `Set`s) for what
 * structured clone would change. Returns the first class instance found, or
 * null; pushes every `Buffer` found onto `buffers` when it is given.
 * Primitives cost a `typeof`, arrays and plain objects no allocation, and
 * each prototype is judged once. Values walked as trees first; one that is
 * too deep or too large for that (a cycle, much sharing) is walked again,
 * each object once.
 */
export function findLostClass(values: readonly unknown[], buffers: Buffer[] | null = null): object | null {
  const mark = buffers?.length ?? 0;
  visits = 0;
  shareables = 0;
  const found = treeWalk(values, buffers, 0);
  if (found !== GIVE_UP) return found;
  if (buffers) buffers.length = mark;
  shareables = 0;
  return graphWalk(values, buffers);
}

/** True when the last {@link findLostClass} met a shared primitive, which crosses as a handle (handles.ts). */
export function foundShareable(): boolean {
  return shareables > 0;
}

function treeWalk(values: ArrayLike<unknown>, buffers: Buffer[] | null, depth: number): object | null {
  for (let i = 0; i < values.length; i++) {
    const found = treeVisit(values[i], buffers, depth);
    if (found !== null) return found;
  }
  return null;
}

function treeVisit(value: unknown, buffers: Buffer[] | null, depth: number): object | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > TREE_DEPTH || ++visits > TREE_VISITS) return GIVE_UP;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Array.prototype) return treeWalk(value as unknown[], buffers, depth + 1);
  if (proto === Object.prototype || proto === null) {
    for (const key in value) {
      const found = treeVisit((value as Record<string, unknown>)[key], buffers, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  const children = childrenOf(value, proto);
  return children ? treeWalk(children, buffers, depth + 1) : leaf(value, proto, buffers);
}

function graphWalk(values: readonly unknown[], buffers: Buffer[] | null): object | null {
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
    const found = leaf(value, proto, buffers);
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
function leaf(value: object, proto: object | null, buffers: Buffer[] | null): object | null {
  if (proto === Buffer.prototype) {
    buffers?.push(value as Buffer);
    return null;
  }
  if (proto === null) return null;
  const verdict = lostClassOf(proto);
  if (verdict === SHAREABLE) shareables++;
  return verdict === null || verdict === SHAREABLE ? null : value;
}

/**
 * Why `found` (a class instance inside `value`) cannot cross, and the fix:
 * "it is a Point instance, …" or "it holds a Point instance, …".
 */
export function lostClassMessage(value: unknown, found: object): string {
  const name = lostClassOf(Object.getPrototypeOf(found) as object) ?? 'object';
  const what = name === CUSTOM_PROTOTYPE ? 'an object with a custom prototype' : `${/^[AEIOU][a-z]/.test(name) ? 'an' : 'a'} ${name} instance`;
  return (
    `it ${found === value ? 'is' : 'holds'} ${what}, which would arrive as a plain object without its class or methods. ` +
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
