/** `DictProxy`, what `manager.dict()` returns: Python's `Manager().dict()`. */
import { describe } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { DictKey } from './dict-state.js';
import { DictState } from './dict-state.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Packed } from './pack.js';
import { pack, unpack } from './pack.js';

const KIND: LinkKind<DictState> = { kind: 'dict', module: import.meta.url };

let adopting: Link<DictState> | null = null;

function validateKey(key: unknown): asserts key is DictKey {
  const type = typeof key;
  if (type !== 'string' && type !== 'number' && type !== 'bigint' && type !== 'boolean') {
    throw new TypeError(`Expected a dict key to be a string, number, bigint or boolean, got ${describe(key)}`);
  }
}

const packValue = (value: unknown): Packed => pack(value, 'this value in a Manager dict');

/** `init` (a Map, pairs or a plain object) as packed pairs. */
function packEntries(init: unknown): [DictKey, Packed][] {
  if (init !== undefined && (typeof init !== 'object' || init === null)) {
    throw new TypeError(`Expected the entries to be a Map, [key, value] pairs or a plain object, got ${describe(init)}`);
  }
  const entries: [DictKey, Packed][] = [];
  const source = init instanceof Map ? init.entries() : Symbol.iterator in (init ?? {}) ? (init as Iterable<unknown>) : Object.entries(init ?? {});
  for (const entry of source) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new TypeError(`Expected a [key, value] pair, got ${describe(entry)}`);
    const [key, value] = entry as [unknown, unknown];
    validateKey(key);
    entries.push([key, packValue(value)]);
  }
  return entries;
}

let making: DictState | null = null;

/** A new dict holding `init`, owned here (what Manager.dict does). */
export function makeDict<K extends DictKey, V>(init: unknown): DictProxy<K, V> {
  making = new DictState(packEntries(init));
  return new DictProxy<K, V>();
}

/**
 * A dict held by a {@link Manager}, usable from every thread and process it reaches (Python's
 * `Manager().dict()`). Keys are primitives; values are copied in and out. Every method is one atomic step
 * at the owner. After the Manager shuts down, every call rejects with InvalidStateError.
 *
 * @example
 * ```ts
 * import { Manager } from 'multipool';
 *
 * await using manager = new Manager();
 * const scores = manager.dict<string, number>();
 * await scores.set('ada', 3);
 * console.log(await scores.get('ada'), await scores.get('bob', 0)); // 3 0
 * ```
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> {
  readonly #link: Link<DictState>;

  /** @internal Made by `manager.dict()`. */
  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    this.#link = Link.own(this, KIND, making ?? new DictState());
    making = null;
  }

  /** The value of `key`, or `fallback` (default undefined) when it has none. */
  async get(key: K, fallback?: V): Promise<V | undefined> {
    validateKey(key);
    const packed = await this.#link.call<Packed | undefined>('get', [key]);
    return packed === undefined ? fallback : ((await unpack(packed)) as V);
  }

  /**
   * Sets `key` to `value`.
   *
   * @throws TypeError (as a rejection) for a key that is not a primitive, or a value that cannot be copied.
   */
  async set(key: K, value: V): Promise<void> {
    validateKey(key);
    // No answer to wait for: a set cannot fail at the owner, and a later call from here runs after it.
    await this.#link.tell('set', [key, packValue(value)]);
  }

  /** Whether `key` has a value. */
  async has(key: K): Promise<boolean> {
    validateKey(key);
    return this.#link.call<boolean>('has', [key]);
  }

  /** Deletes `key`; resolves whether it was there. */
  async delete(key: K): Promise<boolean> {
    validateKey(key);
    return this.#link.call<boolean>('delete', [key]);
  }

  /** Every key, in insertion order. */
  keys(): Promise<K[]> {
    return this.#link.call<K[]>('keys', []);
  }

  /** Every value, in insertion order. */
  async values(): Promise<V[]> {
    return Promise.all((await this.#link.call<Packed[]>('values', [])).map(async (packed) => (await unpack(packed)) as V));
  }

  /** Every `[key, value]` pair, in insertion order. */
  async items(): Promise<[K, V][]> {
    const entries = await this.#link.call<[K, Packed][]>('items', []);
    return Promise.all(entries.map(async ([key, packed]): Promise<[K, V]> => [key, (await unpack(packed)) as V]));
  }

  /** The number of keys. */
  size(): Promise<number> {
    return this.#link.call<number>('size', []);
  }

  /** Sets every pair of `entries` (a Map, pairs, or a plain object), in one step. */
  async update(entries: Map<K, V> | Iterable<readonly [K, V]> | Record<string, V>): Promise<void> {
    await this.#link.call('update', [packEntries(entries)]);
  }

  /**
   * Removes `key` and resolves its value; `fallback` when it has none.
   *
   * @throws RangeError (as a rejection) when `key` has no value and no `fallback` is given.
   */
  async pop(key: K, ...fallback: [V?]): Promise<V> {
    validateKey(key);
    const packed = await this.#link.call<Packed | undefined>('pop', [key]);
    if (packed !== undefined) return (await unpack(packed)) as V;
    if (fallback.length > 0) return fallback[0] as V;
    throw new RangeError(`pop(): the dict has no key ${describe(key)}`);
  }

  /** The value of `key`; sets it to `fallback` first when it has none. */
  async setdefault(key: K, fallback: V): Promise<V> {
    validateKey(key);
    return (await unpack(await this.#link.call<Packed>('setdefault', [key, packValue(fallback)]))) as V;
  }

  /** Removes every key. */
  async clear(): Promise<void> {
    await this.#link.call('clear', []);
  }

  /** A copy of the whole dict, as a plain Map. */
  async copy(): Promise<Map<K, V>> {
    return new Map(await this.items());
  }

  /** @internal The handle this dict crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new DictProxy();
});
