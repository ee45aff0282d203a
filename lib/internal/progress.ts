/**
 * The `progress` option: `true` (or `{ label }`) draws a bar on stderr when it
 * is a terminal (done/total, rate, ETA; nothing otherwise), a function is
 * called as `(done, total)` instead. cli-progress formats the bar and paces
 * its redraws; bar-terminal.ts draws it and keeps other output off it.
 */
import type { GenericFormatter, Options } from 'cli-progress';
import cliProgress from 'cli-progress';

import { BarTerminal } from './bar-terminal.js';
import { describe } from './validate.js';

/**
 * `true` for a progress bar on stderr when it is a terminal, `{ label }` for one with a label in front
 * (tqdm's `desc`), or a callback `(done, total)`; `total` is undefined while unknown. Lines printed while
 * a bar is drawn (`console.log`, a worker's output) appear above it, never inside it.
 */
export type ProgressOption = boolean | { readonly label?: string | undefined } | ((done: number, total: number | undefined) => void);

export interface ProgressSink {
  /** The total became known. */
  total(total: number): void;
  /** `n` more items are done. */
  advance(n: number): void;
  /** The job is over (finished, failed, or left early). */
  stop(): void;
}

export function validateProgress(value: unknown): asserts value is ProgressOption | undefined {
  if (value === undefined || typeof value === 'boolean' || typeof value === 'function') return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Expected \`progress\` to be true, false, { label }, or a function (done, total) => void, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'label') {
      throw new TypeError(`Unknown \`progress\` option \`${key}\`${key === 'desc' ? ": tqdm's `desc` is `label` here" : ''}; expected { label?: string }`);
    }
  }
  const { label } = value as { label?: unknown };
  if (label !== undefined && typeof label !== 'string') throw new TypeError(`Expected \`progress.label\` to be a string, got ${describe(label)}`);
}

/**
 * A sink for the option, or null when there is nothing to report.
 *
 * @param report - receives an error thrown by a progress callback (the pool's 'error' event).
 */
export function progressSink(option: ProgressOption | undefined, report: (error: unknown) => void): ProgressSink | null {
  if (typeof option === 'function') return new CallbackSink(option, report);
  if ((option === true || typeof option === 'object') && process.stderr.isTTY) return new BarSink(option === true ? undefined : option.label);
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

interface BarPayload {
  readonly rate: string;
  /** The total is known (not a lazy input's count so far): an ETA means something. */
  readonly known: boolean;
}

/** `label: bar done/total | rate/s | ETA`, with no ETA before the first item or while the total is unknown. */
function barFormat(label: string | undefined): GenericFormatter {
  const prefix = label ? `${label}: ` : '';
  return (options, params, payload: BarPayload) => {
    const eta = payload.known && params.value > 0 ? ' | ETA {eta_formatted}' : '';
    return prefix + cliProgress.Format.Formatter({ ...options, format: `{bar} {value}/{total} | {rate}/s${eta}` }, params, payload);
  };
}

class BarSink implements ProgressSink {
  readonly #terminal = new BarTerminal();
  readonly #bar: cliProgress.SingleBar;
  readonly #started = Date.now();
  #done = 0;
  #running = false;
  #known = false;

  constructor(label: string | undefined) {
    // `terminal` is a cli-progress option its type definitions leave out.
    const options: Options & { terminal: BarTerminal } = {
      terminal: this.#terminal,
      format: barFormat(label),
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    };
    this.#bar = new cliProgress.SingleBar(options, cliProgress.Presets.shades_classic);
  }

  total(total: number): void {
    this.#known = true;
    if (this.#running) this.#bar.setTotal(total);
    else this.#start(total);
  }

  advance(n: number): void {
    this.#done += n;
    if (!this.#running) this.#start(this.#done);
    // While the total is unknown (a lazy input), the bar shows what is done so far as the total.
    if (!this.#known) this.#bar.setTotal(this.#done);
    const seconds = Math.max((Date.now() - this.#started) / 1000, 1e-3);
    this.#bar.update(this.#done, { rate: (this.#done / seconds).toFixed(0), known: this.#known } satisfies BarPayload);
  }

  stop(): void {
    if (!this.#running) return;
    this.#terminal.endLine();
    this.#bar.stop();
    this.#terminal.close();
    this.#running = false;
  }

  #start(total: number): void {
    this.#terminal.open();
    this.#bar.start(total, this.#done, { rate: '0', known: this.#known } satisfies BarPayload);
    this.#running = true;
  }
}
