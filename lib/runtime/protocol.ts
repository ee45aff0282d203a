/**
 * The wire protocol between the engine and a worker loop: a tagged union each
 * way. Both ends reject a tag they do not know (see `assertNever`).
 */
import type { Identity } from '../internal/identity.js';

/**
 * How a function reaches a worker: its source text, or a module export; the
 * in-process (async) backend hands over the function itself.
 */
export type FnDef =
  | { readonly id: number; readonly kind: 'source'; readonly source: string }
  | { readonly id: number; readonly kind: 'module'; readonly url: string; readonly name: string }
  | { readonly id: number; readonly kind: 'local'; readonly fn: (...args: never[]) => unknown };

/**
 * One unit of work: `items` of one job starting at input position `index`.
 * `star` spreads each item as arguments; `perItem` settles items one by one
 * (executor semantics) instead of failing the whole chunk on its first error.
 */
export interface WireChunk {
  readonly job: number;
  readonly index: number;
  readonly fn: number;
  /** A worker may get its part of a run of numbers as it crossed (see runs.ts). */
  readonly items: unknown[] | Float64Array;
  readonly star: boolean;
  readonly perItem: boolean;
  /** When set, a generator result streams its items back, at most this many unacknowledged. */
  readonly stream?: number;
  /** The claim word the worker must win before it starts this chunk (see claims.ts). */
  readonly claim?: number;
}

/** An error flattened so it survives either transport with its class and own fields. */
export interface WireError {
  readonly ctor: string;
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  readonly props: Record<string, unknown>;
  /** Set when the value that failed was a result that could not be sent back. */
  readonly encoding?: { readonly value: string; readonly exc: string };
}

/** A thrown value that is not an Error travels as itself, when it can be cloned. */
export type WireThrown = { readonly error: WireError } | { readonly raw: unknown };

/** A failed item of a `perItem` chunk: its position in the chunk and what it threw. */
export type ItemError = [index: number, thrown: WireThrown];

export type WireOutcome =
  /** A run of numbers may be a block of them (runs.ts): from a worker that filled one, or a view of the block that arrived. */
  | { readonly job: number; readonly index: number; readonly ms: number; readonly kind: 'values'; readonly values: unknown[] | Float64Array }
  | ({ readonly job: number; readonly index: number; readonly ms: number; readonly kind: 'error' } & WireThrown)
  | { readonly job: number; readonly index: number; readonly ms: number; readonly kind: 'items'; readonly values: unknown[]; readonly errors: ItemError[] };

/**
 * Chunks `index, index + sizes[0], …` of one job, items flattened; a run of numbers bound for another thread
 * or process as one Float64Array (see runs.ts).
 */
export interface PackedChunks {
  readonly job: number;
  readonly index: number;
  readonly fn: number;
  readonly star: boolean;
  readonly perItem: boolean;
  readonly stream?: number;
  readonly claim?: number;
  readonly sizes: number[];
  readonly items: unknown[] | Float64Array;
}

/** Successful outcomes of consecutive chunks of one job, values flattened (numbers as in `PackedChunks`); anything else as is. */
export type PackedOutcome =
  | WireOutcome
  | { readonly job: number; readonly index: number; readonly ms: number; readonly kind: 'run'; readonly sizes: number[]; readonly values: unknown[] | Float64Array };

/**
 * One-item calls of known functions and nothing else to carry (`apply`s, `submit`s): the commonest batches, as
 * one flat tuple of `CALL_FIELDS` elements per call after the tag: `job, index, fn, flags, item, claim`.
 * `flags` holds `star` and `perItem` (see codec.ts); `claim` is the chunk's claim word, or -1 when it has none.
 */
export type CallTuple = readonly [t: 'call', ...fields: unknown[]];

/** Elements per call in a `CallTuple`. */
export const CALL_FIELDS = 6;

/**
 * The one value of each of several chunks and nothing else to carry: the commonest results, as one flat tuple
 * of `VALUE_FIELDS` elements per chunk after the tag: `job, index, ms, value`.
 */
export type ValueTuple = readonly [t: 'value', ...fields: unknown[]];

/** Elements per chunk in a `ValueTuple`. */
export const VALUE_FIELDS = 4;

/**
 * Chunks travel packed (see codec.ts): consecutive chunks of one job share one record.
 * `buffers`, on a MessagePort only, lists the Buffers inside the message (see values.ts); `handles` says that
 * shared primitives travel in it as handles, to be revived (see handles.ts).
 * The two commonest messages travel as flat tuples instead, tagged by their first element: both transports
 * copy an array of primitives in well under half the time of the nested records it replaces.
 */
export type ToWorker =
  | { readonly t: 'batch'; readonly fns: FnDef[]; readonly chunks: PackedChunks[]; readonly buffers?: Buffer[]; readonly handles?: true }
  | { readonly t: 'credit'; readonly job: number; readonly index: number; readonly n: number }
  | CallTuple;

export type FromWorker =
  | ValueTuple
  | { readonly t: 'results'; readonly results: PackedOutcome[]; readonly buffers?: Buffer[]; readonly handles?: true }
  | { readonly t: 'items'; readonly job: number; readonly index: number; readonly values: unknown[]; readonly buffers?: Buffer[]; readonly handles?: true }
  | { readonly t: 'init-error'; readonly error: WireThrown };

/**
 * How values cross a channel: by reference (the in-process backend copies nothing), by v8 serialization (a
 * child process's IPC channel: Buffers survive), or by structured clone (a MessagePort: Buffers arrive as plain
 * Uint8Arrays, so messages list them in `buffers` and the receiver restores them; see values.ts).
 */
export type Crossing = 'reference' | 'v8' | 'clone';

/** What the bootstrap task hands each new worker. */
export interface WorkerInit {
  readonly workerId: number;
  /** Loader modules a worker thread registers before it imports tasks (see loaders.ts). */
  readonly loaders: string[];
  readonly initializer: FnDef | null;
  readonly initargs: unknown[];
  /** The Buffers inside `initargs`: tinypool posts the bootstrap task over a MessagePort (see values.ts). */
  readonly buffers?: Buffer[];
  /** Who the worker is, for `currentProcess()` and `parentProcess()`; the in-process loops have none of their own. */
  readonly identity?: Identity;
  /**
   * The worker of a `Process`: it runs the one chunk it is sent and then ends, with exit code 0, or 1 after
   * printing what the target threw, instead of sending an outcome back.
   */
  readonly oneShot?: boolean;
  /** Set when `initargs` hold shared primitives as handles (see handles.ts). */
  readonly handles?: true;
}

/** True for the tuple forms (`CallTuple`, `ValueTuple`). */
export function isTuple<M>(message: M): message is Extract<M, readonly unknown[]> {
  return Array.isArray(message);
}

export function assertNever(message: never, side: string): never {
  throw new Error(`multipool ${side}: unknown protocol message ${JSON.stringify(message)}`);
}
