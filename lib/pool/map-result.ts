/**
 * Python's `MapResult`: the input is read in full (as CPython's `list()`),
 * cut into chunks, and the results land at their input positions. The first
 * error wins, but only once every chunk has finished (no fail-fast).
 */
import { defaultChunksize } from '../engine/chunk-feeder.js';
import type { ChunkOutcome, Job, JobHost, TaskSource } from '../engine/job.js';
import type { ProgressSink } from '../internal/progress.js';
import type { Settled } from '../internal/settled.js';
import { isSyncIterable } from '../internal/validate.js';
import type { Chunk, ChunkValues } from '../runtime/backend.js';
import type { ResultCallbacks } from './async-result.js';
import { AsyncResult } from './async-result.js';

export interface MapJobSpec {
  readonly fn: (...args: never[]) => unknown;
  readonly input: Iterable<unknown> | AsyncIterable<unknown>;
  readonly chunksize: number | undefined;
  readonly star: boolean;
  /** Worker count, for Python's default chunksize. */
  readonly processes: number;
  readonly progress?: ProgressSink | null | undefined;
}

/**
 * The pending result of `mapAsync`/`starmapAsync`. `get()` gives the whole
 * list in input order.
 *
 * @example
 * ```ts
 * import { Pool } from 'multipool';
 * await using pool = new Pool(2);
 * const result = pool.mapAsync((x: number) => x * 2, [1, 2, 3]);
 * console.log(await result.get()); // [2, 4, 6]
 * ```
 */
export class MapResult<R> extends AsyncResult<R[]> {
  readonly id: number;

  /** @internal Submits the map to `host` and starts reading its input. */
  constructor(host: JobHost, spec: MapJobSpec, callbacks: ResultCallbacks<R[]> = {}) {
    super(callbacks, host);
    const job = new MapJob(host, spec, (settled) => this.complete(settled as Settled<R[]>));
    this.id = job.id;
    host.submit(job);
    job.start();
  }
}

/**
 * Items `map` reads from an iterator before it gives up. It must hold its whole input (CPython's
 * `list(iterable)`), so an endless generator would block the event loop for seconds, grow to gigabytes, and end
 * in a bare "Invalid array length" or a fatal V8 error (arrays stop near 2^27 items). 2^24 items take a second
 * or two to read and a few hundred MB; a longer input is what `imap` is for. Strings and collections (arrays,
 * typed arrays, Sets, Maps) are finite and already in memory: they are taken whole, whatever their size.
 */
const MAX_ITERATOR_ITEMS = 2 ** 24;

function inputTooLong(): RangeError {
  return new RangeError(
    `map() reads its whole input before it starts, as Python's does, and this input went on past ${MAX_ITERATOR_ITEMS.toLocaleString('en')} items ` +
      '(an endless generator?): use imap() or imapUnordered(), which read their input lazily, as you consume the results',
  );
}

/** A sync input as an array; an iterator that is not a collection is read up to `MAX_ITERATOR_ITEMS`. */
function readAll(input: Iterable<unknown>): unknown[] {
  if (typeof input === 'string' || Array.isArray(input) || ArrayBuffer.isView(input) || input instanceof Set || input instanceof Map) return Array.from(input);
  const items: unknown[] = [];
  for (const item of input) {
    // Throwing out of the loop calls the iterator's return(), so a generator's finally blocks run.
    if (items.length === MAX_ITERATOR_ITEMS) throw inputTooLong();
    items.push(item);
  }
  return items;
}

/**
 * Chunks of at least this many items are cut from an array input when the map starts: that is the snapshot
 * Python's `list()` takes, in pieces, so the items are copied once (not into a whole copy first, then again
 * into each chunk) and never into one block the size of the input, which v8 puts on fresh pages of its own
 * (0.4–0.5 ms for 100,000 items). Shorter chunks are cut as they go out, from a copy: cutting thousands of
 * them ahead would keep thousands of small arrays alive.
 */
const CUT_AHEAD_MIN = 64;

/** `items` as consecutive chunks of `size`. */
function cutAll(items: readonly unknown[], size: number): unknown[][] {
  const chunks: unknown[][] = [];
  for (let at = 0; at < items.length; at += size) chunks.push(items.slice(at, at + size));
  return chunks;
}

/**
 * The array a map's `length` results go into, holding `values[0]` at `at` already. Storing one value where
 * the array is made gives it the kind of elements its values need (say, numbers that are not small integers)
 * before the copying loop runs; an array that changed kind inside that loop made copying 100,000 numbers
 * take twice as long (1.0 against 0.5 ms).
 */
function resultArray(length: number, at: number, values: ChunkValues): unknown[] {
  const result = new Array<unknown>(length);
  if (values.length > 0) result[at] = values[0];
  return result;
}

/** The map as a job of the engine: chunks out, results into their input positions. */
class MapJob implements Job, TaskSource {
  readonly id: number;
  readonly #host: JobHost;
  readonly #spec: MapJobSpec;
  readonly #settle: (settled: Settled<unknown[]>) => void;
  /** The items not yet cut into chunks; empty once all are. */
  #items: unknown[] | null = null;
  /** The chunks cut ahead from an array input (see CUT_AHEAD_MIN), taken from `#cutAt` on. */
  #cut: unknown[][] | null = null;
  #cutAt = 0;
  #length = 0;
  #chunksize = 1;
  #next = 0;
  #left = 0;
  /** The result, made when the first values arrive (see {@link resultArray}). */
  #values: unknown[] | null = null;
  #error: { error: unknown } | null = null;
  #done = false;

  constructor(host: JobHost, spec: MapJobSpec, settle: (settled: Settled<unknown[]>) => void) {
    this.id = host.nextJobId();
    this.#host = host;
    this.#spec = spec;
    this.#settle = settle;
  }

  /** Reads the input; call after the job is in the cache. */
  start(): void {
    const { input } = this.#spec;
    if (Array.isArray(input) && Object.getPrototypeOf(input) === Array.prototype) {
      this.#begin(input, false);
      return;
    }
    if (isSyncIterable(input)) {
      let items: unknown[];
      try {
        items = readAll(input);
      } catch (error) {
        this.#finish({ ok: false, error });
        return;
      }
      this.#begin(items, true);
      return;
    }
    void (async () => {
      const items: unknown[] = [];
      try {
        for await (const item of input) {
          if (items.length === MAX_ITERATOR_ITEMS) throw inputTooLong();
          items.push(item);
        }
      } catch (error) {
        this.#finish({ ok: false, error });
        return;
      }
      this.#begin(items, true);
      this.#host.wake();
    })();
  }

  /** Starts on the whole input; `owned` when `items` is a copy of its own (else it is the caller's array). */
  #begin(items: unknown[], owned: boolean): void {
    if (this.#done) return;
    this.#length = items.length;
    this.#chunksize = this.#spec.chunksize ?? defaultChunksize(items.length, this.#spec.processes);
    if (owned) this.#items = items;
    else if (this.#chunksize >= CUT_AHEAD_MIN) this.#cut = cutAll(items, this.#chunksize);
    else this.#items = items.slice();
    this.#left = Math.ceil(items.length / this.#chunksize);
    this.#spec.progress?.total(items.length);
    if (items.length === 0) this.#finish({ ok: true, value: [] });
  }

  get exhausted(): boolean {
    return this.#done || ((this.#items !== null || this.#cut !== null) && this.#next >= this.#length);
  }

  poll(): Chunk | undefined {
    if (this.#done || (this.#items === null && this.#cut === null) || this.#next >= this.#length) return undefined;
    const index = this.#next;
    this.#next = Math.min(this.#length, index + this.#chunksize);
    const items = this.#cut ? this.#takeCut() : (this.#items as unknown[]).slice(index, this.#next);
    if (this.#next >= this.#length) this.#items = [];
    return { job: this.id, index, fn: this.#spec.fn, items, star: this.#spec.star, perItem: false };
  }

  /** The next chunk cut ahead; the job lets go of it. */
  #takeCut(): unknown[] {
    const cut = this.#cut as unknown[][];
    const items = cut[this.#cutAt] as unknown[];
    cut[this.#cutAt++] = [];
    return items;
  }

  settle(index: number, outcome: ChunkOutcome): void {
    if (this.#done) return;
    if (outcome.kind === 'values') {
      const values = outcome.values;
      const into = (this.#values ??= resultArray(this.#length, index, values));
      for (let i = 0; i < values.length; i++) into[index + i] = values[i];
    } else if (outcome.kind === 'error') {
      this.#error ??= { error: outcome.error };
    }
    this.#left -= 1;
    this.#spec.progress?.advance(Math.min(this.#chunksize, this.#length - index));
    if (this.#left > 0) return;
    this.#finish(this.#error ? { ok: false, error: this.#error.error } : { ok: true, value: this.#values ?? [] });
  }

  abort(error: unknown): void {
    this.#finish({ ok: false, error });
  }

  /** The result hears first (its callbacks run before the pool may stop), then the job leaves the cache. */
  #finish(settled: Settled<unknown[]>): void {
    if (this.#done) return;
    this.#done = true;
    this.#items = null;
    this.#cut = null;
    this.#spec.progress?.stop();
    this.#settle(settled);
    this.#host.release(this);
  }
}
