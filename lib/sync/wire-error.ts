/**
 * Errors across the broker: what an owner's primitive threw comes back as the
 * same class (Empty stays Empty, RangeError stays RangeError), so a caller in
 * a child process catches what a caller in the owner would.
 */
import { BrokenBarrierError, Empty, Full, InvalidStateError, TimeoutError } from '../errors.js';

type ErrorClass = new (message?: string) => Error;

const CLASSES: Record<string, ErrorClass> = {
  BrokenBarrierError,
  Empty,
  Full,
  InvalidStateError,
  TimeoutError,
  TypeError,
  RangeError,
  Error,
};

export interface WireFailure {
  readonly name: string;
  readonly message: string;
}

export function flattenFailure(error: unknown): WireFailure {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function rebuildFailure(failure: WireFailure): Error {
  const Class = CLASSES[failure.name] ?? Error;
  return new Class(failure.message);
}
