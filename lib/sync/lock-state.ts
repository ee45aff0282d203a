/**
 * A lock in shared memory: word HOLDER is the agent that holds it (0: free),
 * word DEPTH how many times an RLock's holder acquired it, word WAITERS how
 * many acquirers are waiting (a release with none skips Atomics.notify, which
 * costs more than the rest of an uncontended pair). The owner, its threads and
 * its broker (for other processes) all run these operations.
 */
import { InvalidStateError } from '../errors.js';
import type { CallContext, Served } from './served.js';
import { unknownMethod } from './served.js';
import { allocWords, checkOpen, closeWords, deadlineOf, waitCounted } from './words.js';

const HOLDER = 1;
const DEPTH = 2;
const WAITERS = 3;
const WORDS = 4;

export class LockState implements Served {
  readonly memory: SharedArrayBuffer;
  readonly reentrant: boolean;
  readonly #words: Int32Array;

  constructor(reentrant: boolean, memory: SharedArrayBuffer = allocWords(WORDS)) {
    this.memory = memory;
    this.reentrant = reentrant;
    this.#words = new Int32Array(memory);
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    switch (method) {
      case 'acquire':
        return this.acquire(args[0] as boolean, args[1] as number | null | undefined, ctx);
      case 'release':
        return this.release(ctx);
      case 'locked':
        return this.locked();
      case 'owned':
        return this.owned(ctx);
      case 'releaseAll':
        return this.releaseAll(ctx);
      case 'restore':
        return this.restore(args[0] as number, ctx);
      default:
        throw unknownMethod('Lock', method);
    }
  }

  async acquire(block: boolean, timeout: number | null | undefined, ctx: CallContext): Promise<boolean> {
    let deadline: number | null | undefined;
    for (;;) {
      const holder = this.tryAcquire(ctx);
      if (holder === 0) return true;
      deadline ??= deadlineOf(block, timeout);
      if (!(await this.#waitRelease(holder, deadline, ctx.signal))) return false;
    }
  }

  /** Waits for `holder` to let go, counted in WAITERS (a release with no waiter skips the notify). */
  #waitRelease(holder: number, deadline: number | null, signal: AbortSignal | undefined): Promise<boolean> {
    return waitCounted(this.#words, WAITERS, HOLDER, holder, deadline, signal);
  }

  /** One attempt, never waiting: 0 once acquired, else the holder that was there (what to wait on). */
  tryAcquire(ctx: CallContext): number {
    const words = this.#words;
    checkOpen(words);
    const holder = Atomics.compareExchange(words, HOLDER, 0, ctx.agent);
    if (holder === 0) {
      if (this.reentrant) Atomics.store(words, DEPTH, 1);
      return 0;
    }
    if (this.reentrant && holder === ctx.agent) {
      Atomics.add(words, DEPTH, 1);
      return 0;
    }
    return holder;
  }

  release(ctx: CallContext): void {
    const words = this.#words;
    checkOpen(words);
    const holder = Atomics.load(words, HOLDER);
    if (holder === 0) throw new InvalidStateError(`release() called on an unlocked ${this.reentrant ? 'RLock' : 'Lock'}: acquire it first`);
    if (this.reentrant) {
      if (holder !== ctx.agent) throw new InvalidStateError('release() called on an RLock held by another process or thread: only its holder may release it');
      if (Atomics.sub(words, DEPTH, 1) > 1) return;
    }
    Atomics.store(words, HOLDER, 0);
    if (Atomics.load(words, WAITERS) !== 0) Atomics.notify(words, HOLDER);
  }

  locked(): boolean {
    checkOpen(this.#words);
    return Atomics.load(this.#words, HOLDER) !== 0;
  }

  /** True when the caller holds it (what a Condition checks before wait and notify). */
  owned(ctx: CallContext): boolean {
    checkOpen(this.#words);
    return Atomics.load(this.#words, HOLDER) === ctx.agent;
  }

  /** Saves and gives up every level the caller holds (a Condition's wait on an RLock); returns the depth. */
  releaseAll(ctx: CallContext): number {
    const depth = this.reentrant ? Atomics.load(this.#words, DEPTH) : 1;
    if (Atomics.load(this.#words, HOLDER) !== ctx.agent) return 0;
    Atomics.store(this.#words, DEPTH, 0);
    Atomics.store(this.#words, HOLDER, 0);
    Atomics.notify(this.#words, HOLDER);
    return depth;
  }

  /** Acquires again, waiting as long as it takes, at the depth {@link releaseAll} returned. */
  async restore(depth: number, ctx: CallContext): Promise<void> {
    await this.acquire(true, null, ctx);
    if (this.reentrant) Atomics.store(this.#words, DEPTH, depth);
  }

  agentGone(agent: number): void {
    if (Atomics.compareExchange(this.#words, HOLDER, agent, 0) !== agent) return;
    Atomics.store(this.#words, DEPTH, 0);
    Atomics.notify(this.#words, HOLDER);
  }

  close(): void {
    closeWords(this.#words, [HOLDER]);
  }
}
