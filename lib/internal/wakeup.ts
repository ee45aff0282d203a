/**
 * A wake-up for one waiter: the loops here (task handler, worker handler, a
 * streaming generator waiting for credit, `asCompleted`) each have exactly one
 * consumer that sleeps until something changes.
 *
 * The single-waiter rule: at most one `wait()` is pending at a time. A second
 * `wait()` before the first was woken replaces it, and the first never
 * resolves, so only the one loop that owns a `Wakeup` may wait on it. A
 * `wake()` with nobody waiting is not remembered: a waiter must re-check its
 * condition after waking and before waiting again.
 */
export class Wakeup {
  #resolve: (() => void) | null = null;

  /** Resolves at the next `wake()`, or after `ms` milliseconds when given. */
  wait(ms?: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      if (ms === null || ms === undefined) {
        this.#resolve = resolve;
        return;
      }
      const timer = setTimeout(() => this.wake(), ms);
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Wakes the pending waiter, if any. */
  wake(): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.();
  }
}
