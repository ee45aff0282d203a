/**
 * The elements of a Value or SharedArray in shared memory, as the owner
 * serves them to other processes (threads read and write the memory itself).
 */
import { InvalidStateError } from '../errors.js';
import type { Served } from './served.js';
import { SHUT_DOWN, unknownMethod } from './served.js';
import type { SharedView, Typecode } from './typecodes.js';
import { viewOf } from './typecodes.js';
import { CLOSED } from './words.js';

export class MemoryState implements Served {
  readonly memory: SharedArrayBuffer;
  readonly view: SharedView;
  readonly #header: Int32Array;

  constructor(typecode: Typecode, memory: SharedArrayBuffer, length: number) {
    this.memory = memory;
    this.view = viewOf(typecode, memory, length);
    this.#header = new Int32Array(memory, 0, 1);
  }

  /** The view, unless shut down. */
  open(): SharedView {
    if (Atomics.load(this.#header, CLOSED) !== 0) throw new InvalidStateError(SHUT_DOWN);
    return this.view;
  }

  serve(method: string, args: readonly unknown[]): unknown {
    const view = this.open();
    switch (method) {
      case 'get':
        return view[args[0] as number];
      case 'set':
        view[args[0] as number] = args[1] as never;
        return undefined;
      case 'toArray':
        return [...view];
      default:
        throw unknownMethod('Value', method);
    }
  }

  close(): void {
    Atomics.store(this.#header, CLOSED, 1);
  }
}
