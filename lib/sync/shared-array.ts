/** `SharedArray` (exported also as `Array`) and `RawArray`, Python's `multiprocessing.Array` and `RawArray`. */
import { describe, validateInteger, validatePlainObject } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Lock } from './lock.js';
import { noLock, notShared, resolveLock } from './lock-option.js';
import { MemoryState } from './memory-state.js';
import type { ElementOf, NumberTypecode, Typecode, ViewOf } from './typecodes.js';
import { allocElements, validateElement, validateTypecode } from './typecodes.js';
import type { SharedValueOptions } from './value.js';

interface WireState {
  readonly typecode: Typecode;
  readonly length: number;
  readonly lock: Lock | null;
}

const KIND: LinkKind<MemoryState> = {
  kind: 'array',
  module: import.meta.url,
  attach: (memory, state) => new MemoryState((state as WireState).typecode, memory, (state as WireState).length),
};

let adopting: Link<MemoryState> | null = null;

/**
 * A fixed-length array of numbers in shared memory (Python's `multiprocessing.Array`, exported also as
 * `Array` for `import * as mp` ports): `await a.get(i)`, `await a.set(i, x)`, `await a.toArray()`
 * everywhere; in the process that made it and its worker threads also `a.view`, a typed array over the
 * shared memory (no copy).
 *
 * @example
 * ```ts
 * import { SharedArray } from 'multipool';
 *
 * const a = new SharedArray('d', [1, 2, 3]);
 * await a.set(0, 10);
 * console.log(await a.toArray(), a.view[0]); // [10, 2, 3] 10
 * ```
 */
export class SharedArray<C extends Typecode = NumberTypecode> {
  readonly #link: Link<MemoryState>;
  readonly #typecode: C;
  readonly #lock: Lock | null;
  /** The number of elements. */
  readonly length: number;

  /**
   * @param typecode - Python's array typecode: `b B h H i I l L q Q f d` (`q`/`Q` hold BigInts).
   * @param sizeOrValues - the length (elements start at zero), or the initial elements.
   * @param options - `{ lock }`: true (default) for a new RLock, false for none, or a Lock to use.
   * @throws TypeError for an unknown typecode, elements of the wrong kind or a bad `lock`; RangeError for
   *   a negative or fractional size.
   */
  constructor(typecode: C, sizeOrValues: number | ArrayLike<ElementOf<C>> | Iterable<ElementOf<C>>, options: SharedValueOptions = {}) {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      const wire = this.#link.wireState as WireState;
      this.#typecode = wire.typecode as C;
      this.#lock = wire.lock;
      this.length = wire.length;
      return;
    }
    validateTypecode(typecode);
    validatePlainObject(options, 'options');
    const values = initialValues(sizeOrValues);
    values?.forEach((value, i) => validateElement(typecode, value, `sizeOrValues[${i}]`));
    this.#typecode = typecode;
    this.length = values ? values.length : (sizeOrValues as number);
    this.#lock = resolveLock(options.lock);
    const state = new MemoryState(typecode, allocElements(typecode, this.length), this.length);
    if (values) state.view.set(values as never);
    this.#link = Link.own(this, KIND, state, state.memory, { typecode, length: this.length, lock: this.#lock } satisfies WireState);
  }

  /** The typecode it was made with. */
  get typecode(): C {
    return this.#typecode;
  }

  /**
   * A typed array over the shared memory (no copy): only where the memory is shared.
   *
   * @throws InvalidStateError in another process (use `get`/`set`/`toArray`), or once shut down.
   */
  get view(): ViewOf<C> {
    if (!this.#link.state) throw notShared('SharedArray', 'view', '`await a.get(i)` / `await a.set(i, x)` / `await a.toArray()`');
    return this.#link.state.open() as ViewOf<C>;
  }

  /**
   * Element `index`.
   *
   * @throws RangeError (as a rejection) for an index outside 0 … length - 1.
   */
  async get(index: number): Promise<ElementOf<C>> {
    this.#validateIndex(index);
    return this.#link.call<ElementOf<C>>('get', [index]);
  }

  /**
   * Writes element `index`.
   *
   * @throws RangeError (as a rejection) for a bad index; TypeError for a value of the wrong kind.
   */
  async set(index: number, value: ElementOf<C>): Promise<void> {
    this.#validateIndex(index);
    validateElement(this.#typecode, value, 'value');
    await this.#link.call('set', [index, value]);
  }

  /** A copy of every element, as a plain array. */
  toArray(): Promise<ElementOf<C>[]> {
    return this.#link.call<ElementOf<C>[]>('toArray', []);
  }

  /**
   * The lock that guards this array (Python's `get_lock()`).
   *
   * @throws InvalidStateError for an array made with `lock: false`.
   */
  getLock(): Lock {
    if (!this.#lock) throw noLock('Array');
    return this.#lock;
  }

  #validateIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`Expected \`index\` to be an integer from 0 to ${this.length - 1}, got ${describe(index)}`);
    }
  }

  /** @internal The handle this array crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

/** The initial elements, or null for a size (validated). */
function initialValues(sizeOrValues: unknown): unknown[] | null {
  if (typeof sizeOrValues === 'number') {
    validateInteger(sizeOrValues, 'sizeOrValues', 0);
    return null;
  }
  if (typeof sizeOrValues === 'object' && sizeOrValues !== null) {
    if (Symbol.iterator in sizeOrValues) return [...(sizeOrValues as Iterable<unknown>)];
    if ('length' in sizeOrValues) return Array.from(sizeOrValues as ArrayLike<unknown>);
  }
  throw new TypeError(`Expected \`sizeOrValues\` to be a length or the initial elements, got ${describe(sizeOrValues)}`);
}

/**
 * A {@link SharedArray} without a lock (Python's `multiprocessing.RawArray`).
 *
 * @example
 * ```ts
 * import { RawArray } from 'multipool';
 *
 * const counts = new RawArray('i', 4);
 * counts.view[2] += 1;
 * ```
 */
export class RawArray<C extends Typecode = NumberTypecode> extends SharedArray<C> {
  /**
   * @param typecode - Python's array typecode (see {@link SharedArray}).
   * @param sizeOrValues - the length, or the initial elements.
   * @throws TypeError / RangeError as {@link SharedArray}'s constructor.
   */
  constructor(typecode: C, sizeOrValues: number | ArrayLike<ElementOf<C>> | Iterable<ElementOf<C>>) {
    super(typecode, sizeOrValues, { lock: false });
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new SharedArray((link.wireState as WireState).typecode, 0);
});
