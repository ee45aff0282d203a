/** `Value` and `RawValue`, Python's `multiprocessing.Value` and `RawValue`. */
import { validatePlainObject } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Lock } from './lock.js';
import { noLock, notShared, resolveLock } from './lock-option.js';
import { MemoryState } from './memory-state.js';
import type { ElementOf, NumberTypecode, Typecode } from './typecodes.js';
import { allocElements, isBigIntCode, validateElement, validateTypecode } from './typecodes.js';

interface WireState {
  readonly typecode: Typecode;
  readonly lock: Lock | null;
}

const KIND: LinkKind<MemoryState> = {
  kind: 'value',
  module: import.meta.url,
  attach: (memory, state) => new MemoryState((state as WireState).typecode, memory, 1),
};

let adopting: Link<MemoryState> | null = null;

/** Options of {@link Value} and {@link SharedArray}. */
export interface SharedValueOptions {
  /** true (default): guarded by a new RLock; false: no lock (a Raw one); or the Lock/RLock to use. */
  readonly lock?: boolean | Lock;
}

/**
 * One number in shared memory (Python's `multiprocessing.Value`): `await v.get()` / `await v.set(x)`
 * everywhere; in the process that made it and its worker threads also `v.value`, read and written
 * synchronously. `getLock()` is the lock to hold for a read-modify-write.
 *
 * @example
 * ```ts
 * import { Value } from 'multipool';
 *
 * const counter = new Value('i', 0);
 * {
 *   await using _ = await counter.getLock().hold();
 *   await counter.set((await counter.get()) + 1);
 * }
 * console.log(counter.value); // 1
 * ```
 */
export class Value<C extends Typecode = NumberTypecode> {
  readonly #link: Link<MemoryState>;
  readonly #typecode: C;
  readonly #lock: Lock | null;

  /**
   * @param typecode - Python's array typecode: `b B h H i I l L q Q f d` (`q`/`Q` hold a BigInt).
   * @param initial - the first value (default 0, or 0n for `q`/`Q`).
   * @param options - `{ lock }`: true (default) for a new RLock, false for none, or a Lock to use.
   * @throws TypeError for an unknown typecode (the message lists the valid ones), an initial value of
   *   the wrong kind, or a bad `lock`.
   */
  constructor(typecode: C, initial?: ElementOf<C>, options: SharedValueOptions = {}) {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      const wire = this.#link.wireState as WireState;
      this.#typecode = wire.typecode as C;
      this.#lock = wire.lock;
      return;
    }
    validateTypecode(typecode);
    validatePlainObject(options, 'options');
    const first = initial ?? (isBigIntCode(typecode) ? 0n : 0);
    validateElement(typecode, first, 'initial');
    this.#typecode = typecode;
    this.#lock = resolveLock(options.lock);
    const state = new MemoryState(typecode, allocElements(typecode, 1), 1);
    state.view[0] = first;
    this.#link = Link.own(this, KIND, state, state.memory, { typecode, lock: this.#lock } satisfies WireState);
  }

  /** The typecode it was made with. */
  get typecode(): C {
    return this.#typecode;
  }

  /**
   * The value, synchronously: only where the memory is shared.
   *
   * @throws InvalidStateError in another process (use `get`/`set`), or once shut down.
   */
  get value(): ElementOf<C> {
    return this.#view()[0] as ElementOf<C>;
  }

  set value(value: ElementOf<C>) {
    validateElement(this.#typecode, value, 'value');
    this.#view()[0] = value;
  }

  /** Reads the value (from anywhere). */
  get(): Promise<ElementOf<C>> {
    return this.#link.call<ElementOf<C>>('get', [0]);
  }

  /**
   * Writes the value (from anywhere).
   *
   * @throws TypeError (as a rejection) for a value of the wrong kind (a number where a BigInt is due, …).
   */
  async set(value: ElementOf<C>): Promise<void> {
    validateElement(this.#typecode, value, 'value');
    await this.#link.call('set', [0, value]);
  }

  /**
   * The lock that guards this value (Python's `get_lock()`).
   *
   * @throws InvalidStateError for a value made with `lock: false`.
   */
  getLock(): Lock {
    if (!this.#lock) throw noLock('Value');
    return this.#lock;
  }

  #view(): MemoryState['view'] {
    if (!this.#link.state) throw notShared('Value', 'value', '`await v.get()` / `await v.set(x)`');
    return this.#link.state.open();
  }

  /** @internal The handle this value crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

/**
 * A {@link Value} without a lock (Python's `multiprocessing.RawValue`).
 *
 * @example
 * ```ts
 * import { RawValue } from 'multipool';
 *
 * const total = new RawValue('d', 0.5);
 * total.value += 1;
 * ```
 */
export class RawValue<C extends Typecode = NumberTypecode> extends Value<C> {
  /**
   * @param typecode - Python's array typecode (see {@link Value}).
   * @param initial - the first value (default 0, or 0n for `q`/`Q`).
   * @throws TypeError for an unknown typecode or an initial value of the wrong kind.
   */
  constructor(typecode: C, initial?: ElementOf<C>) {
    super(typecode, initial, { lock: false });
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new Value((link.wireState as WireState).typecode);
});
