/**
 * Handles: how a shared primitive (a Lock, a Queue, a Value …) crosses to
 * another thread or process. Structured clone would turn one into a plain
 * object, so before a message leaves, each primitive in it is replaced by a
 * small marked record (its kind, id, owner address, and for a thread its
 * SharedArrayBuffer), and the receiver turns each record back into a
 * primitive with the reviver registered for its kind. The runtime knows
 * nothing of the kinds: a record names the module that registers its reviver,
 * imported on first use, so a worker that never receives a handle loads
 * nothing more at boot.
 */
import type { Crossing } from './protocol.js';

/** The method a shareable primitive defines: its handle for a message crossing `crossing`. */
export const TO_HANDLE: unique symbol = Symbol.for('multipool.toHandle');

/** What a primitive becomes on the wire. */
export interface Handle {
  readonly kind: string;
  readonly id: number;
  /** The address of the owner's broker (where its state lives). */
  readonly owner: string;
  /** The owner's process id: a thread of that process may share its memory. */
  readonly pid: number;
  /** The module that registers the reviver of `kind`. */
  readonly module: string;
  /** Shared memory, only when the message stays within one process (a MessagePort). */
  readonly memory?: SharedArrayBuffer;
  /** Kind-specific fields; may hold other primitives (a Value's Lock). */
  readonly state?: unknown;
}

export interface Shareable {
  [TO_HANDLE](crossing: Exclude<Crossing, 'reference'>): Handle;
}

type Reviver = (handle: Handle) => object;

/** The key that marks a record as a handle: a string, as structured clone drops symbol keys. */
const MARK = '__multipoolHandle__';
const revivers = new Map<string, Reviver>();

/** Registers how to rebuild a primitive of `kind` from its handle (in the module a handle names). */
export function registerReviver(kind: string, revive: Reviver): void {
  revivers.set(kind, revive);
}

export function isShareable(value: object): value is Shareable {
  return typeof (value as Partial<Shareable>)[TO_HANDLE] === 'function';
}

/**
 * A copy of `values` with every primitive replaced by its marked handle. Only containers on the way are
 * copied; called only when a walk found a primitive (values.ts), so a message without one pays nothing.
 */
export function encodeHandles(values: readonly unknown[], crossing: Exclude<Crossing, 'reference'>): unknown[] {
  const seen = new Map<object, unknown>();
  const encode = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (isShareable(value)) {
      const handle = value[TO_HANDLE](crossing);
      const record = { [MARK]: { ...handle, state: encode(handle.state) } };
      seen.set(value, record);
      return record;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Array.prototype) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value as unknown[]) copy.push(encode(item));
      return copy;
    }
    if (proto === Object.prototype || proto === null) {
      const copy: Record<string, unknown> = proto === null ? (Object.create(null) as Record<string, unknown>) : {};
      seen.set(value, copy);
      for (const [key, item] of Object.entries(value)) copy[key] = encode(item);
      return copy;
    }
    if (proto === Map.prototype) {
      const copy = new Map<unknown, unknown>();
      seen.set(value, copy);
      for (const [key, item] of value as Map<unknown, unknown>) copy.set(encode(key), encode(item));
      return copy;
    }
    if (proto === Set.prototype) {
      const copy = new Set<unknown>();
      seen.set(value, copy);
      for (const item of value as Set<unknown>) copy.add(encode(item));
      return copy;
    }
    return value;
  };
  return values.map(encode);
}

type Slot = { readonly handle: Handle; readonly put: (revived: object) => void };

/** Every marked record inside `root` (handles inside handles first), with where it sits. */
function findSlots(root: unknown[]): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<object>();
  const visit = (value: unknown, put: (revived: object) => void): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const marked = (value as Record<string, unknown>)[MARK] as Handle | undefined;
    if (marked !== undefined && Object.getPrototypeOf(value) === Object.prototype) {
      // Handles inside the state (a Value's Lock) come first, so the reviver gets them revived.
      visit(marked.state, () => {});
      slots.push({ handle: marked, put });
      return;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Array.prototype) (value as unknown[]).forEach((item, i, array) => visit(item, (revived) => (array[i] = revived)));
    else if (proto === Object.prototype || proto === null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(record[key], (revived) => (record[key] = revived));
    } else if (proto === Map.prototype) {
      const map = value as Map<unknown, unknown>;
      for (const [key, item] of map) visit(item, (revived) => map.set(key, revived));
    } else if (proto === Set.prototype) {
      const set = value as Set<unknown>;
      for (const item of [...set]) visit(item, (revived) => {
        set.delete(item);
        set.add(revived);
      });
    }
  };
  visit(root, () => {});
  return slots;
}

function reviveSlots(slots: readonly Slot[]): void {
  for (const { handle, put } of slots) {
    const revive = revivers.get(handle.kind);
    if (!revive) throw new TypeError(`multipool: no reviver for a shared ${handle.kind} (its module ${handle.module} did not register one)`);
    put(revive(handle));
  }
}

/**
 * Turns every handle inside `values` back into a primitive, in place (the values are a fresh clone). The
 * modules the handles name are imported first, once per module.
 */
export async function reviveHandles(values: unknown[]): Promise<void> {
  const slots = findSlots(values);
  const missing = new Set(slots.filter(({ handle }) => !revivers.has(handle.kind)).map(({ handle }) => handle.module));
  await Promise.all([...missing].map((module) => import(module)));
  reviveSlots(slots);
}

/**
 * {@link reviveHandles} without waiting, where the kinds' modules are loaded already (the main side, which
 * imported multipool): throws a TypeError naming a kind nobody registered.
 */
export function reviveHandlesNow(values: unknown[]): void {
  reviveSlots(findSlots(values));
}
