/**
 * A condition's waiters, held by the owner. A waiter first takes a ticket
 * (while it still holds the lock), then releases the lock and waits on the
 * ticket: a notify that comes between the two is never lost, as in Python,
 * where the waiter joins the list before it releases the lock.
 */
import { InvalidStateError } from '../errors.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN, timerFor, unknownMethod } from './served.js';

interface Ticket {
  readonly agent: number;
  notified: boolean;
  wake: ((notified: boolean) => void) | null;
  fail: ((error: Error) => void) | null;
}

export class ConditionState implements Served {
  readonly #tickets = new Map<number, Ticket>();
  #next = 1;
  #closed = false;

  serve(method: string, args: readonly unknown[], ctx: CallContext): unknown {
    if (this.#closed) throw new InvalidStateError(SHUT_DOWN);
    switch (method) {
      case 'enter': {
        const id = this.#next++;
        this.#tickets.set(id, { agent: ctx.agent, notified: false, wake: null, fail: null });
        return id;
      }
      case 'await':
        return this.#await(args[0] as number, args[1] as number | null | undefined, ctx);
      case 'notify':
        this.#notify(args[0] as number);
        return undefined;
      default:
        throw unknownMethod('Condition', method);
    }
  }

  /** Resolves true once ticket `id` is notified, false after `timeout` seconds (the ticket is then dropped). */
  #await(id: number, timeout: number | null | undefined, ctx: CallContext): Promise<boolean> | boolean {
    const ticket = this.#tickets.get(id);
    if (!ticket) return false;
    if (ticket.notified) {
      this.#tickets.delete(id);
      return true;
    }
    return new Promise<boolean>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#tickets.delete(id);
        ctx.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(new InvalidStateError('the caller is gone'));
      };
      ticket.wake = (notified) => {
        done();
        resolve(notified);
      };
      ticket.fail = (error) => {
        done();
        reject(error);
      };
      // Declared after the callbacks that clear it: none can run before this line.
      const timer = timerFor(timeout, () => ticket.wake?.(false));
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Notifies the `n` oldest tickets not yet notified. */
  #notify(n: number): void {
    let left = n;
    for (const ticket of this.#tickets.values()) {
      if (left <= 0) break;
      if (ticket.notified) continue;
      ticket.notified = true;
      left--;
      ticket.wake?.(true);
    }
  }

  /** A dead agent's tickets go: a notify is never spent on a waiter that is gone. */
  agentGone(agent: number): void {
    for (const [id, ticket] of this.#tickets) {
      if (ticket.agent !== agent) continue;
      this.#tickets.delete(id);
      ticket.fail?.(new InvalidStateError('the caller is gone'));
    }
  }

  close(): void {
    this.#closed = true;
    for (const ticket of this.#tickets.values()) ticket.fail?.(new InvalidStateError(SHUT_DOWN));
    this.#tickets.clear();
  }
}
