/**
 * Values and errors across the worker boundary: flattening a thrown value on
 * the worker side, rebuilding it as the same class on the main side, and
 * naming the value that structured clone refused.
 */
import { DefaultSerializer, deserialize, serialize } from 'node:v8';
import { MessagePort } from 'node:worker_threads';

import { MaybeEncodingError, RemoteTraceback } from '../errors.js';
import { describe } from '../internal/validate.js';
import { movesPending } from './move.js';
import type { WireError, WireThrown } from './protocol.js';
import { findRefused, Gather, refusalMessage } from './values.js';

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** Where a value goes: a worker thread (a MessagePort) or a child process (v8 serialization over IPC). */
export type Destination = 'thread' | 'process';

/**
 * Why `value` cannot go `to` a worker: why a class instance in it would lose
 * its class, why something in it cannot go there at all (shared memory or a
 * port to a process, a port not moved to a thread), or the message v8 gives;
 * null when it crosses unchanged.
 */
export function cloneFailure(value: unknown, to: Destination): string | null {
  const crossing = to === 'thread' ? 'clone' : 'v8';
  const found = findRefused([value], new Gather(crossing));
  if (found !== null) return refusalMessage(value, found, crossing);
  return serializeFailure(value, to);
}

/**
 * {@link cloneFailure} for an `initargs` argument, which goes to every worker (and every replacement)
 * and so cannot hold a value marked by `move()`.
 */
export function initargFailure(value: unknown, to: Destination): string | null {
  const failure = cloneFailure(value, to);
  if (failure !== null) return `${failure} Pass plain data.`;
  if (!movesPending()) return null;
  const gather = new Gather('reference');
  findRefused([value], gather);
  return gather.moved ? 'it holds a value marked by move(), but initargs go to every worker, so they are copied, never moved. Pass it without move().' : null;
}

/**
 * v8 serialization as a MessagePort does it: a SharedArrayBuffer is shared and a
 * port transferred (the walk has refused ports that were not moved), not refused.
 */
class ThreadSerializer extends DefaultSerializer {
  // node:v8's hooks, which @types/node does not declare.
  _getSharedArrayBufferId(): number {
    return 0;
  }

  _writeHostObject(object: object): void {
    if (object instanceof MessagePort) return;
    (DefaultSerializer.prototype as unknown as { _writeHostObject(this: DefaultSerializer, object: object): void })._writeHostObject.call(this, object);
  }
}

/**
 * A copy of `args` as a worker would receive them, taken now: what a `Process` gets is what its arguments
 * were at `start()`, as Python pickles them then. Only for values {@link cloneFailure} accepts; it is the
 * same v8 serialization, so the two agree on what crosses. An argument that holds a reference on purpose
 * (a shared primitive, shared memory, a moved value) is passed as it is: copying it here would cut it loose
 * from what it refers to, and the message that carries it handles it.
 */
export function copyForWorker(args: readonly unknown[]): unknown[] {
  return args.map((arg) => {
    const gather = new Gather('v8');
    const refused = findRefused([arg], gather);
    return refused !== null || gather.handles || gather.moved ? arg : (deserialize(serialize(arg)) as unknown);
  });
}

function serializeFailure(value: unknown, to: Destination = 'process'): string | null {
  try {
    if (to === 'process') {
      serialize(value);
    } else {
      const serializer = new ThreadSerializer();
      serializer.writeHeader();
      serializer.writeValue(value);
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Flattens what a task threw. Errors keep their class name, message, stack and
 * own enumerable fields that can be cloned; anything else travels raw. What
 * was thrown is a report, not a value a task computes: a class instance in it
 * travels as a plain object rather than not at all.
 */
export function flattenThrown(thrown: unknown, rewrite?: (error: Error) => string | null): WireThrown {
  if (!(thrown instanceof Error)) {
    return serializeFailure(thrown) === null ? { raw: thrown } : { raw: `${describe(thrown)} was thrown and could not be sent back` };
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (serializeFailure(value) === null) props[key] = value;
  }
  const message = rewrite?.(thrown) ?? thrown.message;
  return {
    error: {
      ctor: builtinName(thrown),
      name: thrown.name,
      message,
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- typed as a string, but `stack` is writable and may hold anything; the wire needs a string
      stack: String(thrown.stack ?? `${thrown.name}: ${thrown.message}`),
      props,
    },
  };
}

export function encodingFailure(value: unknown, exc: unknown): WireThrown {
  const message = exc instanceof Error ? exc.message : String(exc);
  return {
    error: {
      ctor: 'Error',
      name: 'MaybeEncodingError',
      message,
      stack: exc instanceof Error ? String(exc.stack) : message,
      props: {},
      encoding: { value: describe(value), exc: message },
    },
  };
}

function builtinName(error: Error): string {
  for (let proto = Object.getPrototypeOf(error) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    // Matched by name, not identity, so errors from another realm (a vm context) keep their class.
    if (name && Object.hasOwn(BUILTIN_ERRORS, name)) return name;
  }
  return 'Error';
}

/** Rebuilds a flattened throw on the main side, `cause` set to its `RemoteTraceback`. */
export function rebuildThrown(thrown: WireThrown): unknown {
  if ('raw' in thrown) return thrown.raw;
  return rebuildError(thrown.error);
}

function rebuildError(wire: WireError): Error {
  const traceback = new RemoteTraceback(wire.stack);
  if (wire.encoding) {
    const exc = new Error(wire.encoding.exc);
    const error = new MaybeEncodingError(exc, wire.encoding.value);
    Object.defineProperty(error, 'cause', { value: traceback, configurable: true, writable: true });
    return error;
  }
  const Ctor = BUILTIN_ERRORS[wire.ctor] ?? Error;
  const error = new Ctor(wire.message, { cause: traceback });
  if (error.name !== wire.name) {
    Object.defineProperty(error, 'name', { value: wire.name, configurable: true, writable: true, enumerable: false });
  }
  Object.assign(error, wire.props);
  return error;
}
