/**
 * Credits of streaming chunks: how many more items each may send before the consumer acknowledges some. A
 * chunk out of credit waits on its wakeup; a credit message from the engine (or the loop stopping) wakes it.
 */
import { Wakeup } from '../../internal/wakeup.js';

export interface StreamCredit {
  n: number;
  readonly wakeup: Wakeup;
}

export class StreamCredits {
  readonly #byChunk = new Map<string, StreamCredit>();

  /** The credit of chunk (`job`, `index`), created at 0 when it has none yet (a credit may arrive first). */
  of(job: number, index: number): StreamCredit {
    const key = `${job}:${index}`;
    let credit = this.#byChunk.get(key);
    if (!credit) {
      credit = { n: 0, wakeup: new Wakeup() };
      this.#byChunk.set(key, credit);
    }
    return credit;
  }

  /** The chunk finished streaming: its credit is dropped. */
  end(job: number, index: number): void {
    this.#byChunk.delete(`${job}:${index}`);
  }

  /** Wakes every waiting chunk (the loop is stopping: each sees it and ends). */
  wakeAll(): void {
    for (const credit of this.#byChunk.values()) credit.wakeup.wake();
  }
}
