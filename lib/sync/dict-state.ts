/** A Manager dict's state, held by the owner: keys as they are (primitives), values packed. */
import { InvalidStateError } from '../errors.js';
import type { Packed } from './pack.js';
import type { Served } from './served.js';
import { SHUT_DOWN, unknownMethod } from './served.js';

/** What a Manager dict key may be: a primitive, compared by value as a Python dict compares keys. */
export type DictKey = string | number | bigint | boolean;

export class DictState implements Served {
  readonly #map = new Map<DictKey, Packed>();
  #closed = false;

  constructor(entries: readonly (readonly [DictKey, Packed])[] = []) {
    for (const [key, value] of entries) this.#map.set(key, value);
  }

  serve(method: string, args: readonly unknown[]): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    const map = this.#map;
    const key = args[0] as DictKey;
    switch (method) {
      case 'get':
        return map.get(key);
      case 'set':
        map.set(key, args[1] as Packed);
        return undefined;
      case 'has':
        return map.has(key);
      case 'delete':
        return map.delete(key);
      case 'keys':
        return [...map.keys()];
      case 'values':
        return [...map.values()];
      case 'items':
        return [...map.entries()];
      case 'size':
        return map.size;
      case 'update':
        for (const [k, v] of args[0] as [DictKey, Packed][]) map.set(k, v);
        return undefined;
      case 'pop': {
        const value = map.get(key);
        map.delete(key);
        return value;
      }
      case 'setdefault':
        if (!map.has(key)) map.set(key, args[1] as Packed);
        return map.get(key);
      case 'clear':
        map.clear();
        return undefined;
      default:
        throw unknownMethod('dict', method);
    }
  }

  close(): void {
    this.#closed = true;
    this.#map.clear();
  }
}
