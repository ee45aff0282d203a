/** A Manager list's state, held by the owner: packed values, compared by their bytes (index, count, remove). */
import { InvalidStateError } from '../errors.js';
import type { Packed } from './pack.js';
import type { Served } from './served.js';
import { SHUT_DOWN, unknownMethod } from './served.js';

export class ListState implements Served {
  #items: Packed[];
  #closed = false;

  constructor(items: Packed[] = []) {
    this.#items = items;
  }

  serve(method: string, args: readonly unknown[]): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    const items = this.#items;
    switch (method) {
      case 'get':
        return items[this.#at(args[0] as number, 'get')];
      case 'set':
        items[this.#at(args[0] as number, 'set')] = args[1] as Packed;
        return undefined;
      case 'append':
        items.push(args[0] as Packed);
        return undefined;
      case 'extend':
        for (const item of args[0] as Packed[]) items.push(item);
        return undefined;
      case 'insert':
        items.splice(clampInsert(args[0] as number, items.length), 0, args[1] as Packed);
        return undefined;
      case 'pop': {
        if (items.length === 0) throw new RangeError('pop() from an empty list');
        return items.splice(this.#at((args[0] as number | undefined) ?? -1, 'pop'), 1)[0];
      }
      case 'remove':
        items.splice(this.#indexOf(args[0] as Packed, 'remove'), 1);
        return undefined;
      case 'index':
        return this.#indexOf(args[0] as Packed, 'index');
      case 'count':
        return items.filter((item) => item.bytes.equals((args[0] as Packed).bytes)).length;
      case 'length':
        return items.length;
      case 'toArray':
        return items;
      case 'clear':
        this.#items = [];
        return undefined;
      default:
        throw unknownMethod('list', method);
    }
  }

  /** A position from a Python index (negative counts from the end). */
  #at(index: number, method: string): number {
    const at = index < 0 ? this.#items.length + index : index;
    if (at < 0 || at >= this.#items.length) throw new RangeError(`${method}(): index ${index} is out of range for a list of ${this.#items.length}`);
    return at;
  }

  #indexOf(value: Packed, method: string): number {
    const at = this.#items.findIndex((item) => item.bytes.equals(value.bytes));
    if (at < 0) throw new RangeError(`${method}(): the value is not in the list`);
    return at;
  }

  close(): void {
    this.#closed = true;
    this.#items = [];
  }
}

/** Python's list.insert: an index past either end inserts at that end. */
function clampInsert(index: number, length: number): number {
  const at = index < 0 ? length + index : index;
  return Math.max(0, Math.min(length, at));
}
