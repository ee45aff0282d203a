/**
 * What a BullMQ job carries: one chunk, and back its outcome, each as base64 of `v8.serialize` so typed
 * arrays, Map, BigInt and Buffers survive as they do on a child process's channel. Errors travel
 * flattened (transport.ts) and are rebuilt here, at the client's edge; multipool's own errors made on a
 * host (a lost local worker, a timeout) come back as their own classes.
 */
import { deserialize, serialize } from 'node:v8';

import { AbortError, CancelledError, MaybeEncodingError, RemoteTraceback, TimeoutError, WorkerLostError } from '../../errors.js';
import type { ChunkOutcome } from '../backend.js';
import type { ItemError, WireThrown } from '../protocol.js';
import { cloneFailure, encodingFailure, flattenThrown, rebuildThrown } from '../transport.js';
import { findRefused, Gather } from '../values.js';

/** Bumped when the payload shape changes, so an old host refuses a new client's job clearly. */
const PAYLOAD_VERSION = 1;

/** One chunk, as a host needs it. */
export interface JobPayload {
  readonly v: number;
  /** The task's cluster name (task-key.ts). */
  readonly task: string;
  readonly items: unknown[];
  readonly star: boolean;
  readonly perItem: boolean;
}

/** The classes a host's own engine makes, which the client rebuilds by name. */
const DOMAIN_ERRORS = { WorkerLostError, TimeoutError, CancelledError, AbortError } as const;
type DomainName = keyof typeof DOMAIN_ERRORS;

type WireClusterThrown = WireThrown & { readonly domain?: DomainName };

/** A chunk's outcome as it travels back. */
export type WireResult =
  | { readonly v: number; readonly ms: number; readonly kind: 'values'; readonly values: unknown[] }
  | { readonly v: number; readonly ms: number; readonly kind: 'error'; readonly thrown: WireClusterThrown }
  | { readonly v: number; readonly ms: number; readonly kind: 'items'; readonly values: unknown[]; readonly errors: ItemError[] };

function pack(value: unknown): string {
  return serialize(value).toString('base64');
}

function unpack(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new TypeError(`multipool cluster: ${what} is not a multipool payload (got ${typeof text})`);
  const value: unknown = deserialize(Buffer.from(text, 'base64'));
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== PAYLOAD_VERSION) {
    throw new TypeError(`multipool cluster: ${what} has an unknown payload version; client and worker hosts must run the same multipool`);
  }
  return value as Record<string, unknown>;
}

/** The job data for one chunk. */
export function encodeJob(payload: Omit<JobPayload, 'v'>): { p: string } {
  return { p: pack({ v: PAYLOAD_VERSION, ...payload }) };
}

/** A job's chunk, on the host; throws a TypeError for data that is not a multipool chunk. */
export function decodeJob(data: unknown): JobPayload {
  const payload = unpack((data as { p?: unknown } | null)?.p, 'the job data');
  if (typeof payload.task !== 'string' || !Array.isArray(payload.items)) throw new TypeError('multipool cluster: the job data holds no chunk');
  return payload as unknown as JobPayload;
}

/** A host's outcome (as its own engine rebuilt it) as the job's return value. */
export function encodeResult(outcome: ChunkOutcome, ms: number): string {
  // A view of a block of numbers (from a local worker) would serialize the whole block: its numbers go as an array.
  const values = outcome.kind === 'error' ? null : Array.isArray(outcome.values) ? outcome.values : Array.from(outcome.values);
  const refused = values === null ? null : unreturnable(values);
  if (refused) return pack({ v: PAYLOAD_VERSION, ms, kind: 'error', thrown: refused });
  switch (outcome.kind) {
    case 'values':
      return pack({ v: PAYLOAD_VERSION, ms, kind: 'values', values });
    case 'error':
      return pack({ v: PAYLOAD_VERSION, ms, kind: 'error', thrown: reflatten(outcome.error) });
    case 'items':
      return pack({ v: PAYLOAD_VERSION, ms, kind: 'items', values: outcome.values, errors: [...outcome.errors].map(([i, error]): ItemError => [i, reflatten(error)]) });
  }
}

/**
 * The first of `values` that cannot go back to the client, as the MaybeEncodingError a local worker gives;
 * null when all can. What a child process refuses, and shared primitives, whose state is on this host.
 */
function unreturnable(values: readonly unknown[]): WireThrown | null {
  const gather = new Gather('v8');
  if (findRefused(values, gather) === null && !gather.handles) return null;
  for (const value of values) {
    const failure = cloneFailure(value, 'host');
    if (failure !== null) return encodingFailure(value, new TypeError(failure));
  }
  return null;
}

/** A failure made on the host itself (an unknown task, a payload it cannot read), as a job's return value. */
export function encodeFailure(error: unknown): string {
  return pack({ v: PAYLOAD_VERSION, ms: 0, kind: 'error', thrown: reflatten(error) });
}

/** The client's view of a job's return value; throws a TypeError for one no host of this version made. */
export function decodeResult(text: unknown): { ms: number; outcome: ChunkOutcome } {
  const result = unpack(text, 'the job result') as unknown as WireResult;
  switch (result.kind) {
    case 'values':
      return { ms: result.ms, outcome: { kind: 'values', values: result.values } };
    case 'error':
      return { ms: result.ms, outcome: { kind: 'error', error: rebuild(result.thrown) } };
    case 'items':
      return { ms: result.ms, outcome: { kind: 'items', values: result.values, errors: new Map(result.errors.map(([i, thrown]) => [i, rebuild(thrown)])) } };
    default:
      throw new TypeError(`multipool cluster: unknown result kind ${JSON.stringify((result as { kind?: unknown }).kind)}`);
  }
}

/**
 * Flattens an error the host's engine already rebuilt once: the worker's stack (its RemoteTraceback) is
 * the one to keep, and a MaybeEncodingError keeps its parts.
 */
function reflatten(error: unknown): WireClusterThrown {
  const flat = flattenThrown(error);
  if (!('error' in flat) || !(error instanceof Error)) return flat;
  const stack = error.cause instanceof RemoteTraceback ? error.cause.tb : flat.error.stack;
  if (error instanceof MaybeEncodingError) {
    const exc = error.exc instanceof Error ? error.exc.message : error.message;
    return { error: { ...flat.error, stack, props: {}, encoding: { value: error.value, exc } } };
  }
  const domain = (Object.keys(DOMAIN_ERRORS) as DomainName[]).find((name) => error instanceof DOMAIN_ERRORS[name]);
  const props = domain ? withoutCode(flat.error.props) : flat.error.props;
  return { error: { ...flat.error, stack, props }, ...(domain ? { domain } : {}) };
}

/** A domain error's `code` is its class's own: it must not be assigned over the rebuilt instance. */
function withoutCode(props: Record<string, unknown>): Record<string, unknown> {
  const { code: _code, ...rest } = props;
  return rest;
}

function rebuild(thrown: WireClusterThrown): unknown {
  if (!thrown.domain || !('error' in thrown)) return rebuildThrown(thrown);
  const Ctor = DOMAIN_ERRORS[thrown.domain] as new (message: string) => Error;
  const error = new Ctor(thrown.error.message);
  Object.defineProperty(error, 'cause', { value: new RemoteTraceback(thrown.error.stack), configurable: true, writable: true });
  for (const [key, value] of Object.entries(thrown.error.props)) {
    Object.defineProperty(error, key, { value, configurable: true, writable: true, enumerable: true });
  }
  return error;
}
