/**
 * A queue's state, held by its owner: packed items in order, the callers
 * waiting to get or to put, and (for a JoinableQueue) the count of items not
 * yet marked done. An item leaves only when a getter receives it: one handed
 * to a caller that is gone before it acknowledged the answer goes back to the
 * front.
 */
import { Empty, Full, InvalidStateError } from '../errors.js';
import type { Packed } from './pack.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN, timerFor, unknownMethod } from './served.js';

interface Waiter<T> {
  readonly ctx: CallContext;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}

/** Below this many taken items the array is not compacted: shifting costs more than the waste. */
const COMPACT_AFTER = 1024;

export class QueueState implements Served {
  readonly maxsize: number;
  #items: Packed[] = [];
  #head = 0;
  readonly #getters: Waiter<Packed>[] = [];
  readonly #putters: Waiter<void>[] = [];
  #unfinished = 0;
  readonly #joiners: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #closed = false;

  constructor(maxsize: number) {
    this.maxsize = maxsize;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    switch (method) {
      case 'put':
        return this.put(args[0] as Packed, args[1] as boolean, args[2] as number | null | undefined, ctx);
      case 'get':
        return this.get(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'qsize':
        return this.size;
      case 'full':
        return this.maxsize > 0 && this.size >= this.maxsize;
      case 'taskDone':
        return this.taskDone();
      case 'join':
        return this.#unfinished === 0 ? undefined : new Promise<void>((resolve, reject) => this.#joiners.push({ resolve, reject }));
      default:
        throw unknownMethod('Queue', method);
    }
  }

  async put(item: Packed, block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<void> {
    while (this.maxsize > 0 && this.size >= this.maxsize) {
      if (!block) throw new Full(`The queue is full (maxsize ${this.maxsize})`);
      await this.#wait(this.#putters, timeout, ctx, () => new Full(`The queue stayed full (maxsize ${this.maxsize}) for ${timeout} s`));
    }
    this.#unfinished++;
    this.#offer(item);
  }

  get(block: boolean, timeout: number | null | undefined, ctx: CallContext): Packed | Promise<Packed> {
    if (this.size > 0) {
      const item = this.#take();
      ctx.onLost?.(() => this.#putBack(item));
      return item;
    }
    if (!block) throw new Empty('The queue is empty');
    return this.#wait(this.#getters, timeout, ctx, () => new Empty(`The queue stayed empty for ${timeout} s`));
  }

  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError('taskDone() called too many times: more than the items put on the queue');
    if (--this.#unfinished > 0) return;
    for (const joiner of this.#joiners.splice(0)) joiner.resolve();
  }

  /** An item to the first waiting getter (which then owns it), or to the back of the queue. */
  #offer(item: Packed): void {
    const getter = this.#getters.shift();
    if (getter) {
      getter.ctx.onLost?.(() => this.#putBack(item));
      getter.resolve(item);
      return;
    }
    this.#items.push(item);
  }

  #take(): Packed {
    const item = this.#items[this.#head] as Packed;
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#putters.shift()?.resolve();
    return item;
  }

  /** An item whose getter never received it goes back to the front. */
  #putBack(item: Packed): void {
    const getter = this.#getters.shift();
    if (getter) {
      getter.ctx.onLost?.(() => this.#putBack(item));
      getter.resolve(item);
    } else if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  /** Waits in `list` until resolved, `timeout` seconds pass (`timedOut()` is thrown) or the caller is gone. */
  #wait<T>(list: Waiter<T>[], timeout: number | null | undefined, ctx: CallContext, timedOut: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        const at = list.indexOf(waiter);
        if (at >= 0) list.splice(at, 1);
      };
      const onAbort = (): void => {
        leave();
        clearTimeout(timer);
        reject(new InvalidStateError('the caller is gone'));
      };
      const waiter: Waiter<T> = {
        ctx,
        resolve: (value) => {
          clearTimeout(timer);
          ctx.signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          ctx.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      // Declared after the waiter, whose settlers use it: none can run before this line.
      const timer = timerFor(timeout, () => {
        leave();
        waiter.reject(timedOut());
      });
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      list.push(waiter);
    });
  }

  close(): void {
    this.#closed = true;
    const gone = (): InvalidStateError => new InvalidStateError(SHUT_DOWN);
    for (const waiter of [...this.#getters.splice(0), ...this.#putters.splice(0)]) waiter.reject(gone());
    for (const joiner of this.#joiners.splice(0)) joiner.reject(gone());
  }
}
