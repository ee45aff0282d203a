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

/**
 * Walks `values` (into arrays, plain objects, `Map`s and `Set`s) for what
 * structured clone would change. Returns the first class instance found, or
 * null; pushes every `Buffer` found onto `buffers` when it is given.
 * Primitives, and arrays or plain objects of primitives, cost no allocation;
 * each prototype is judged once.
 */
export function findLostClass(values: readonly unknown[], buffers: Buffer[] | null = null): object | null {
  if (flat(values)) return null;
  const stack: object[] = [];
  // Shared and cyclic references are walked once, as structured clone copies them once.
  const seen = new Set<object>();
  pushObjects(stack, seen, values);
  for (let value = stack.pop(); value !== undefined; value = stack.pop()) {
    if (seen.has(value)) continue;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Array.prototype) {
      pushObjects(stack, seen, value as unknown[]);
    } else if (proto === Object.prototype || proto === null) {
      pushObjects(stack, seen, Object.values(value));
    } else if (proto === Buffer.prototype) {
      buffers?.push(value as Buffer);
    } else if (proto === Map.prototype) {
      pushObjects(stack, seen, [...(value as Map<unknown, unknown>).keys()]);
      pushObjects(stack, seen, [...(value as Map<unknown, unknown>).values()]);
    } else if (proto === Set.prototype) {
      pushObjects(stack, seen, [...(value as Set<unknown>)]);
    } else if (lostClassOf(proto) !== null) {
      return value;
    }
  }
  return null;
}

function pushObjects(stack: object[], seen: ReadonlySet<object>, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'object' && value !== null && !seen.has(value)) stack.push(value);
  }
}

/** True when `values` holds only primitives, and arrays or plain objects of primitives: nothing to walk. */
function flat(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'object' || value === null) continue;
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Array.prototype) {
      const items = value as unknown[];
      for (let j = 0; j < items.length; j++) if (typeof items[j] === 'object' && items[j] !== null) return false;
    } else if (proto === Object.prototype) {
      for (const key in value) {
        const field = (value as Record<string, unknown>)[key];
        if (typeof field === 'object' && field !== null) return false;
      }
    } else {
      return false;
    }
  }
  return true;
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
