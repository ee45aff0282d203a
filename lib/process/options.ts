/**
 * The options of a `Process`, in either of its two forms (`new Process({ target, … })` or
 * `new Process(target, args)`), merged with their defaults and validated once.
 */
import { argsArray, describe, validateBoolean, validateFunction, validateKeys, validateOneOf, validateString } from '../internal/validate.js';
import type { AnyFunction } from '../runtime/function-ref.js';

/** Where a `Process` runs: a child process, or a worker thread (Python's `multiprocessing.dummy.Process`). */
export type ProcessBackend = 'process' | 'thread';

/**
 * What `new Process({ … })` takes.
 *
 * @typeParam F - the target function; `args` are its parameters.
 */
export interface ProcessOptions<F extends AnyFunction = AnyFunction> {
  /** The function to run once in the child: inline (self-contained) or `task(import.meta.url, fn)`. */
  readonly target: F;
  /** The target's arguments; they cross by structured clone, copied when `start()` is called. */
  readonly args?: Parameters<F>;
  /** The process's name; default `Process-N`, N counting from 1 in each parent. */
  readonly name?: string;
  /** A daemon is killed when its parent exits; a non-daemon keeps its parent alive until it ends. Default false. */
  readonly daemon?: boolean;
  /** `'process'` (default) or `'thread'`. */
  readonly backend?: ProcessBackend;
}

export interface ResolvedProcessOptions {
  readonly target: AnyFunction;
  readonly args: unknown[];
  readonly name: string | undefined;
  readonly daemon: boolean;
  readonly backend: ProcessBackend;
}

const PROCESS_BACKENDS: readonly ProcessBackend[] = ['process', 'thread'];
const PROCESS_OPTION_KEYS = ['target', 'args', 'name', 'daemon', 'backend'];

/** Either constructor form, validated: a function is the target (with `args` beside it), an object the options. */
export function resolveProcessOptions(input: unknown, args: unknown): ResolvedProcessOptions {
  const options = optionsOf(input, args);
  validateKeys(options, 'Process options', PROCESS_OPTION_KEYS);
  validateFunction(options.target, 'target');
  if (options.name !== undefined) validateString(options.name, 'name');
  if (options.daemon !== undefined) validateBoolean(options.daemon, 'daemon');
  const backend = options.backend ?? 'process';
  validateOneOf(backend, 'backend', PROCESS_BACKENDS);
  return { target: options.target, args: argsArray(options.args, 'args'), name: options.name, daemon: options.daemon ?? false, backend };
}

function optionsOf(input: unknown, args: unknown): Record<string, unknown> & { target?: unknown } {
  if (typeof input === 'function') return { target: input, args };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`Expected \`target\` to be a function or an options object ({ target, args, … }), got ${describe(input)}`);
  }
  if (args !== undefined) {
    throw new TypeError('new Process(options) takes no second argument: put `args` inside the options object, as in new Process({ target, args })');
  }
  return input as Record<string, unknown>;
}
