/**
 * Items of queues and Manager containers are stored packed (v8-serialized),
 * as Python pickles them: the receiver gets a copy, whichever process it is
 * in, and shared primitives inside travel as handles (without shared memory,
 * since the item may go to any process).
 */
import { deserialize, serialize } from 'node:v8';

import { refuseUnsendable } from '../runtime/codec.js';
import { encodeHandles, reviveHandles } from '../runtime/handles.js';
import { releaseMoves } from '../runtime/move.js';
import { Gather } from '../runtime/values.js';
import { NOT_SMALL, readSmall, writeSmall } from './small-items.js';

/** A packed value; `shared` when it holds handles to revive. */
export interface Packed {
  readonly bytes: Buffer;
  readonly shared: boolean;
}

/**
 * Packs `value`, named `name` in errors.
 *
 * @throws TypeError for a value that cannot cross (a function, a class instance, …).
 */
export function pack(value: unknown, name: string): Packed {
  const small = writeSmall(value);
  if (small) return { bytes: small, shared: false };
  // v8: an item may go to any process, so shared memory inside it is refused as it is for a child process.
  const gather = new Gather('v8');
  try {
    refuseUnsendable([value], gather);
  } catch (error) {
    throw new TypeError(`Cannot put ${name}: ${(error as Error).message}`);
  }
  try {
    const bytes = serialize(gather.handles ? encodeHandles([value], 'v8')[0] : value);
    // An item is a copy, whoever takes it: a value marked by move() is copied, and its mark used up.
    releaseMoves(gather.moved);
    return { bytes, shared: gather.handles };
  } catch (error) {
    throw new TypeError(`Cannot put ${name}: ${(error as Error).message}. Pass plain data.`);
  }
}

/** The value of a packed item that holds no primitives (`packed.shared` is false). */
export function unpackPlain(packed: Packed): unknown {
  const small = readSmall(packed.bytes);
  return small === NOT_SMALL ? deserialize(packed.bytes) : small;
}

export async function unpack(packed: Packed): Promise<unknown> {
  if (!packed.shared) return unpackPlain(packed);
  const value = deserialize(packed.bytes) as unknown;
  const holder = [value];
  await reviveHandles(holder);
  return holder[0];
}
