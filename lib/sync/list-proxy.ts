/** `ListProxy`, what `manager.list()` returns: Python's `Manager().list()`. */
import { describe, validateInteger } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import { ListState } from './list-state.js';
import type { Packed } from './pack.js';
import { pack, unpack } from './pack.js';

const KIND: LinkKind<ListState> = { kind: 'list', module: import.meta.url };

let adopting: Link<ListState> | null = null;
let making: ListState | null = null;

const packValue = (value: unknown): Packed => pack(value, 'this value in a Manager list');

function packAll(values: unknown, name: string): Packed[] {
  if (values === undefined) return [];
  if (typeof values !== 'object' || values === null || !(Symbol.iterator in values)) {
    throw new TypeError(`Expected \`${name}\` to be an iterable of values, got ${describe(values)}`);
  }
  return [...(values as Iterable<unknown>)].map(packValue);
}

/** A new list holding `init`, owned here (what Manager.list does). */
export function makeList<T>(init: unknown): ListProxy<T> {
  making = new ListState(packAll(init, 'init'));
  return new ListProxy<T>();
}

/** An integer index, negative ones counting from the end as in Python. */
function validateIndex(index: unknown): asserts index is number {
  validateInteger(index, 'index', Number.MIN_SAFE_INTEGER);
}

/**
 * A list held by a {@link Manager}, usable from every thread and process it reaches (Python's
 * `Manager().list()`). Values are copied in and out, and compared by their serialized form (`index`,
 * `count`, `remove`). Indexes may be negative, counting from the end. After the Manager shuts down,
 * every call rejects with InvalidStateError.
 *
 * @example
 * ```ts
 * import { Manager } from 'multipool';
 *
 * await using manager = new Manager();
 * const log = manager.list<string>(['start']);
 * await log.append('done');
 * console.log(await log.toArray()); // ['start', 'done']
 * ```
 */
export class ListProxy<T = unknown> {
  readonly #link: Link<ListState>;

  /** @internal Made by `manager.list()`. */
  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    this.#link = Link.own(this, KIND, making ?? new ListState());
    making = null;
  }

  /**
   * The value at `index`.
   *
   * @throws RangeError (as a rejection) for an index out of range.
   */
  async get(index: number): Promise<T> {
    validateIndex(index);
    return (await unpack(await this.#link.call<Packed>('get', [index]))) as T;
  }

  /**
   * Replaces the value at `index`.
   *
   * @throws RangeError (as a rejection) for an index out of range; TypeError for a value that cannot be copied.
   */
  async set(index: number, value: T): Promise<void> {
    validateIndex(index);
    await this.#link.call('set', [index, packValue(value)]);
  }

  /** Adds `value` at the end. */
  async append(value: T): Promise<void> {
    await this.#link.call('append', [packValue(value)]);
  }

  /** Adds every value of `values` at the end, in one step. */
  async extend(values: Iterable<T>): Promise<void> {
    await this.#link.call('extend', [packAll(values, 'values')]);
  }

  /** Inserts `value` before `index` (past either end: at that end). */
  async insert(index: number, value: T): Promise<void> {
    validateIndex(index);
    await this.#link.call('insert', [index, packValue(value)]);
  }

  /**
   * Removes and resolves the value at `index` (default: the last).
   *
   * @throws RangeError (as a rejection) for an empty list or an index out of range.
   */
  async pop(index?: number): Promise<T> {
    if (index !== undefined) validateIndex(index);
    return (await unpack(await this.#link.call<Packed>('pop', [index]))) as T;
  }

  /**
   * Removes the first value equal to `value`.
   *
   * @throws RangeError (as a rejection) when there is none.
   */
  async remove(value: T): Promise<void> {
    await this.#link.call('remove', [packValue(value)]);
  }

  /**
   * The position of the first value equal to `value`.
   *
   * @throws RangeError (as a rejection) when there is none.
   */
  async index(value: T): Promise<number> {
    return this.#link.call<number>('index', [packValue(value)]);
  }

  /** How many values equal `value`. */
  async count(value: T): Promise<number> {
    return this.#link.call<number>('count', [packValue(value)]);
  }

  /** The number of values. */
  length(): Promise<number> {
    return this.#link.call<number>('length', []);
  }

  /** A copy of the whole list, as a plain array. */
  async toArray(): Promise<T[]> {
    return Promise.all((await this.#link.call<Packed[]>('toArray', [])).map(async (packed) => (await unpack(packed)) as T));
  }

  /** Removes every value. */
  async clear(): Promise<void> {
    await this.#link.call('clear', []);
  }

  /** @internal The handle this list crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new ListProxy();
});
