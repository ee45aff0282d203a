/**
 * A lazy map as a job of the engine (Python's `IMapIterator`, made lazy): a
 * `ChunkFeeder` pulls the input only a bounded distance ahead of the
 * consumer, so an infinite input works and memory stays flat; outcomes land
 * in an `OutputQueue` in input or completion order. The same job serves
 * `imap`, `Executor.map` (items settled one by one) and `multiYield` (items
 * streamed back while an item's generator runs). Its consumer is the public
 * `IMapIterator`, which only waits on it.
 */
import { IntMap } from '../internal/int-map.js';
import type { ProgressSink } from '../internal/progress.js';
import type { Chunk } from '../runtime/backend.js';
import { ChunkFeeder } from './chunk-feeder.js';
import type { ChunkOutcome, Job, LazyJobHost, TaskSource } from './job.js';
import type { Taken } from './output-queue.js';
import { EMPTY, OutputQueue } from './output-queue.js';

export interface IMapSpec {
  readonly fn: (...args: never[]) => unknown;
  readonly input: Iterable<unknown> | AsyncIterable<unknown>;
  readonly chunksize: number | 'auto';
  readonly star: boolean;
  readonly ordered: boolean;
  /** Settle items one by one (a failing item fails alone), as `Executor.map`. */
  readonly perItem: boolean;
  /** End the iteration after the first failed item, cancelling the rest (Python's `Executor.map`). */
  readonly stopOnError?: boolean | undefined;
  readonly workers: number;
  /** Items that may be read ahead of the consumer; by default it follows the chunk size. */
  readonly lookahead?: number | undefined;
  /** Stream a generator's items back, at most this many unacknowledged per input item (`multiYield`). */
  readonly stream?: number | undefined;
  readonly progress?: ProgressSink | null | undefined;
}

export class IMapJob implements Job, TaskSource {
  readonly id: number;
  readonly #host: LazyJobHost;
  readonly #spec: IMapSpec;
  /** Tells the consumer that output arrived or the job ended. */
  readonly #changed: () => void;
  readonly #feeder: ChunkFeeder;
  #inputError: { error: unknown; index: number } | null = null;
  /** Sizes of the chunks sent and not settled, by input index. */
  readonly #sizes = new IntMap<number>();
  /** Ordered mode: outcomes waiting for the ones before them, by input index. */
  readonly #pending = new IntMap<{ outcome: ChunkOutcome; size: number }>();
  /** Items each streaming chunk has sent so far, by input index. */
  readonly #streamed = new IntMap<number>();
  #nextIndex = 0;
  readonly #output = new OutputQueue();
  #finished = false;
  #closed = false;
  /** Set when the pool is disposed: the error to end with once only the consumer could move the job on. */
  #unread: (() => Error) | null = null;

  constructor(host: LazyJobHost, spec: IMapSpec, changed: () => void) {
    this.id = host.nextJobId();
    this.#host = host;
    this.#spec = spec;
    this.#changed = changed;
    this.#feeder = new ChunkFeeder(spec, {
      ready: () => host.wake(),
      failed: (error, index) => {
        this.#inputError = { error, index };
      },
      ended: (pulled) => {
        spec.progress?.total(pulled);
        this.#checkDone();
        changed();
      },
    });
  }

  /** Starts pulling; call after the job is in the cache. */
  start(): void {
    this.#feeder.start();
  }

  get exhausted(): boolean {
    return this.#closed || (this.#feeder.inputDone && this.#feeder.readyCount === 0);
  }

  /** Nothing left to take and nothing more will come. */
  get drained(): boolean {
    return this.#output.empty && this.#finished;
  }

  /** The entry the last `take()` returned. */
  get taken(): unknown {
    return this.#output.taken;
  }

  poll(): Chunk | undefined {
    if (this.#closed) return undefined;
    const pulled = this.#feeder.take();
    if (!pulled) return undefined;
    this.#sizes.set(pulled.index, pulled.items.length);
    const { fn, star, perItem, stream } = this.#spec;
    return { job: this.id, index: pulled.index, fn, items: pulled.items, star, perItem, ...(stream ? { stream } : {}) };
  }

  /** Values an input item's generator produced while still running. */
  stream(index: number, values: unknown[]): void {
    if (this.#closed) return;
    for (const value of values) this.#output.pushStreamed(value, index);
    this.#streamed.set(index, (this.#streamed.get(index) ?? 0) + values.length);
    this.#changed();
  }

  settle(index: number, outcome: ChunkOutcome, ms = 0): void {
    if (this.#closed) return;
    const size = this.#sizes.get(index) ?? 0;
    this.#sizes.delete(index);
    this.#spec.progress?.advance(size);
    if (this.#spec.stream) {
      // Input items that produced fewer values than they took (a filtering or empty generator) still free their
      // place in the look-ahead, or the source would never be read again.
      const produced = (this.#streamed.get(index) ?? 0) + (outcome.kind === 'values' ? outcome.values.length : 1);
      this.#streamed.delete(index);
      if (produced < size) this.#feeder.consumed(size - produced);
    }
    if (outcome.kind !== 'error') this.#feeder.observe(size, ms);
    if (this.#spec.ordered) {
      this.#pending.set(index, { outcome, size });
      for (let next = this.#pending.get(this.#nextIndex); next; next = this.#pending.get(this.#nextIndex)) {
        this.#pending.delete(this.#nextIndex);
        this.#nextIndex += next.size;
        // A failure that ends the iteration: later chunks that finished first must not follow it.
        if (this.#enqueue(next.outcome)) break;
      }
    } else {
      this.#enqueue(outcome);
    }
    this.#checkDone();
    this.#endIfUnread();
    this.#changed();
  }

  abort(error: unknown): void {
    if (this.#closed) return;
    this.#output.pushError(error);
    this.#feeder.stop();
    this.#spec.progress?.stop();
    this.#closed = true;
    this.#finished = true;
    this.#changed();
  }

  /** Takes the next entry into `taken`; acknowledges a streamed item and lets the input refill. */
  take(): Taken {
    const taken = this.#output.take();
    if (taken === EMPTY) return taken;
    const chunk = this.#output.takenChunk;
    if (chunk !== undefined && !this.#closed) this.#host.credit(this.id, chunk, 1);
    this.#feeder.consumed(1);
    return taken;
  }

  endUnread(error: () => Error): void {
    this.#unread = error;
    this.#endIfUnread();
    this.#changed();
  }

  /**
   * After `endUnread`: once nothing runs and the look-ahead is full, only the consumer could move the job on, and
   * it will not. The input is not read further; the results already here stay readable, then comes the error.
   */
  #endIfUnread(): void {
    if (!this.#unread || this.#finished || !this.#feeder.waitingForConsumer || this.#feeder.readyCount > 0 || this.#sizes.size > 0) return;
    this.#output.pushError(this.#unread());
    this.#endAfterOutput();
  }

  /** Stops early (the consumer left): no more input is read and pending results are dropped. */
  close(): void {
    if (this.#closed) return;
    this.#feeder.stop();
    this.#closed = true;
    this.#finished = true;
    this.#output.clear();
    this.#spec.progress?.stop();
    this.#host.release(this);
  }

  /** Queues an outcome's results for the consumer; true when a failure in it ends the iteration. */
  #enqueue(outcome: ChunkOutcome): boolean {
    if (outcome.kind === 'values') {
      for (const value of outcome.values) this.#output.push(value);
    } else if (outcome.kind === 'items') {
      const { values, errors } = outcome;
      for (let i = 0; i < values.length; i++) {
        if (errors.size === 0 || !errors.has(i)) {
          this.#output.push(values[i]);
          continue;
        }
        this.#output.pushError(errors.get(i));
        if (this.#spec.stopOnError) {
          this.#endAfterOutput();
          return true;
        }
      }
    } else {
      this.#output.pushError(outcome.error);
      // Python ends a chunked imap at a failed chunk; with chunksize 1 iteration goes on.
      if (this.#spec.chunksize !== 1 || this.#spec.stopOnError) {
        this.#endAfterOutput();
        return true;
      }
    }
    return false;
  }

  #endAfterOutput(): void {
    this.#feeder.stop();
    this.#closed = true;
    this.#finished = true;
    this.#spec.progress?.stop();
    this.#host.release(this);
  }

  /** Every chunk settled and the input is over: the job leaves the cache; the input error, if any, comes last. */
  #checkDone(): void {
    if (this.#finished || !this.#feeder.inputDone || this.#feeder.readyCount > 0 || this.#sizes.size > 0 || this.#pending.size > 0) return;
    if (this.#inputError) this.#output.pushError(this.#inputError.error);
    this.#finished = true;
    this.#spec.progress?.stop();
    this.#host.release(this);
  }
}
