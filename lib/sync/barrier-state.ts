/**
 * A barrier's state, held by the owner: who waits in the current round, and
 * whether it is broken. A party that times out, or dies while waiting, breaks
 * it, as a timeout does in Python: nobody is left waiting for a party that
 * will never come.
 */
import { BrokenBarrierError, InvalidStateError } from '../errors.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN, timerFor, unknownMethod } from './served.js';

interface Party {
  readonly agent: number;
  readonly index: number;
  readonly resolve: (index: number) => void;
  readonly reject: (error: Error) => void;
}

export class BarrierState implements Served {
  readonly parties: number;
  readonly #action: (() => unknown) | null;
  readonly #timeout: number | null;
  #waiting: Party[] = [];
  #broken = false;
  #closed = false;

  constructor(parties: number, action: (() => unknown) | null, timeout: number | null) {
    this.parties = parties;
    this.#action = action;
    this.#timeout = timeout;
  }

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    switch (method) {
      case 'wait':
        return this.#wait(args[0] as number | null | undefined, ctx);
      case 'reset':
        this.#breakRound();
        this.#broken = false;
        return undefined;
      case 'abort':
        this.#broken = true;
        this.#breakRound();
        return undefined;
      case 'nWaiting':
        return this.#waiting.length;
      case 'broken':
        return this.#broken;
      default:
        throw unknownMethod('Barrier', method);
    }
  }

  async #wait(timeout: number | null | undefined, ctx: CallContext): Promise<number> {
    if (this.#broken) throw new BrokenBarrierError('The barrier is broken: reset() it to use it again');
    const index = this.#waiting.length;
    if (index + 1 === this.parties) {
      try {
        await this.#action?.();
      } catch (error) {
        this.#break();
        throw error;
      }
      const round = this.#waiting;
      this.#waiting = [];
      for (const party of round) party.resolve(party.index);
      return index;
    }
    return new Promise<number>((resolve, reject) => {
      const limit = timeout ?? this.#timeout;
      const timer = timerFor(limit, () => this.#break());
      const onAbort = (): void => this.#break();
      const settle = (): void => {
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
      };
      this.#waiting.push({
        agent: ctx.agent,
        index,
        resolve: (i) => {
          settle();
          resolve(i);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #break(): void {
    this.#broken = true;
    this.#breakRound();
  }

  /** Everyone waiting in this round gets a BrokenBarrierError. */
  #breakRound(): void {
    const round = this.#waiting;
    this.#waiting = [];
    for (const party of round) party.reject(new BrokenBarrierError('The barrier was broken while waiting (a timeout, an abort(), a reset() or a party that died)'));
  }

  agentGone(agent: number): void {
    if (this.#waiting.some((party) => party.agent === agent)) this.#break();
  }

  close(): void {
    this.#closed = true;
    const round = this.#waiting;
    this.#waiting = [];
    for (const party of round) party.reject(new InvalidStateError(SHUT_DOWN));
  }
}
