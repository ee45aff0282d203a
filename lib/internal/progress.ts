/**
 * The `progress` option: `true` draws a bar on stderr when it is a terminal
 * (done/total, rate, ETA; nothing otherwise), a function is called as
 * `(done, total)` instead. Drawing is cli-progress's job.
 */
import cliProgress from 'cli-progress';

/** `true` for a terminal progress bar, or a callback `(done, total)`; `total` is undefined while unknown. */
export type ProgressOption = boolean | ((done: number, total: number | undefined) => void);

export interface ProgressSink {
  /** The total became known. */
  total(total: number): void;
  /** `n` more items are done. */
  advance(n: number): void;
  /** The job is over (finished, failed, or left early). */
  stop(): void;
}

export function validateProgress(value: unknown): asserts value is ProgressOption | undefined {
  if (value !== undefined && typeof value !== 'boolean' && typeof value !== 'function') {
    throw new TypeError('Expected `progress` to be true, false, or a function (done, total) => void');
  }
}

/**
 * A sink for the option, or null when there is nothing to report.
 *
 * @param report - receives an error thrown by a progress callback (the pool's 'error' event).
 */
export function progressSink(option: ProgressOption | undefined, report: (error: unknown) => void): ProgressSink | null {
  if (typeof option === 'function') return new CallbackSink(option, report);
  if (option === true && process.stderr.isTTY) return new BarSink();
  return null;
}

class CallbackSink implements ProgressSink {
  readonly #callback: (done: number, total: number | undefined) => void;
  readonly #report: (error: unknown) => void;
  #done = 0;
  #total: number | undefined;

  constructor(callback: (done: number, total: number | undefined) => void, report: (error: unknown) => void) {
    this.#callback = callback;
    this.#report = report;
  }

  total(total: number): void {
    this.#total = total;
    this.#call();
  }

  advance(n: number): void {
    this.#done += n;
    this.#call();
  }

  stop(): void {}

  #call(): void {
    try {
      this.#callback(this.#done, this.#total);
    } catch (error) {
      this.#report(error);
    }
  }
}

class BarSink implements ProgressSink {
  readonly #bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {value}/{total} | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  readonly #started = Date.now();
  #done = 0;
  #running = false;
  #known = false;

  total(total: number): void {
    this.#known = true;
    if (this.#running) this.#bar.setTotal(total);
    else this.#bar.start(total, this.#done, { rate: '0' });
    this.#running = true;
  }

  advance(n: number): void {
    this.#done += n;
    if (!this.#running) this.#bar.start(this.#done, 0, { rate: '0' });
    this.#running = true;
    // While the total is unknown (a lazy input), the bar shows what is done so far as the total.
    if (!this.#known) this.#bar.setTotal(this.#done);
    const seconds = Math.max((Date.now() - this.#started) / 1000, 1e-3);
    this.#bar.update(this.#done, { rate: (this.#done / seconds).toFixed(0) });
  }

  stop(): void {
    if (this.#running) this.#bar.stop();
    this.#running = false;
  }
}
