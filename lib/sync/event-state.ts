/** An event in shared memory: word FLAG is 1 while set. */
import type { Served } from './served.js';
import type { CallContext } from './served.js';
import { unknownMethod } from './served.js';
import { allocWords, checkOpen, closeWords, deadlineOf, waitChange } from './words.js';

const FLAG = 1;
const WORDS = 2;

export class EventState implements Served {
  readonly memory: SharedArrayBuffer;
  readonly #words: Int32Array;

  constructor(memory: SharedArrayBuffer = allocWords(WORDS)) {
    this.memory = memory;
    this.#words = new Int32Array(memory);
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    checkOpen(this.#words);
    switch (method) {
      case 'set':
        Atomics.store(this.#words, FLAG, 1);
        Atomics.notify(this.#words, FLAG);
        return undefined;
      case 'clear':
        Atomics.store(this.#words, FLAG, 0);
        return undefined;
      case 'isSet':
        return Atomics.load(this.#words, FLAG) === 1;
      case 'wait':
        return this.wait(args[0] as number | null | undefined, ctx);
      default:
        throw unknownMethod('Event', method);
    }
  }

  async wait(timeout: number | null | undefined, ctx: CallContext): Promise<boolean> {
    const deadline = deadlineOf(true, timeout);
    for (;;) {
      checkOpen(this.#words);
      if (Atomics.load(this.#words, FLAG) === 1) return true;
      if (!(await waitChange(this.#words, FLAG, 0, deadline, ctx.signal))) return Atomics.load(this.#words, FLAG) === 1;
    }
  }

  close(): void {
    closeWords(this.#words, [FLAG]);
  }
}
