/**
 * The worker options that pools and executors share (count, initializer,
 * initargs, maxTasksPerChild, backend, heap limits), merged with their
 * defaults and validated once for every class.
 */
import type { ResourceLimits } from 'node:worker_threads';

import { argsArray, describe, validateInteger, validateKeys, validateOneOf, validateOptionalFunction, validatePlainObject } from '../internal/validate.js';
import type { BackendKind } from '../runtime/backend.js';
import type { ResolvedClusterOptions } from '../runtime/cluster/options.js';
import { resolveClusterOptions } from '../runtime/cluster/options.js';
import { BACKEND_KINDS } from '../runtime/index.js';
import type { Destination } from '../runtime/transport.js';
import { initargFailure } from '../runtime/transport.js';

/** The options every worker-owning class reads, whatever it calls its worker count. */
interface WorkerOptionsInput {
  readonly initializer?: unknown;
  readonly initargs?: unknown;
  readonly maxTasksPerChild?: unknown;
  readonly backend?: unknown;
  readonly resourceLimits?: unknown;
  readonly cluster?: unknown;
}

export interface ResolvedWorkerOptions {
  /** Number of workers (`processes` of a Pool, `maxWorkers` of an executor). */
  readonly count: number;
  readonly initializer: ((...args: never[]) => unknown) | null;
  readonly initargs: unknown[];
  readonly maxTasksPerChild: number | undefined;
  readonly backend: BackendKind;
  readonly resourceLimits: ResourceLimits | undefined;
  /** Where the queue is, for the `'cluster'` backend. */
  readonly cluster: ResolvedClusterOptions | undefined;
}

export interface WorkerDefaults {
  /** The class, for messages: "Unknown option … in ProcessPoolExecutor options". */
  readonly name: string;
  /** The option keys this class takes; any other is a TypeError. */
  readonly keys: readonly WorkerOptionKey[];
  /** The option that holds the worker count: `'processes'` or `'maxWorkers'`. */
  readonly countName: string;
  readonly count: number;
  readonly backend: BackendKind;
}

/** Every key some class takes (`threadNamePrefix` is ThreadPoolExecutor's own, checked there). */
export type WorkerOptionKey = 'processes' | 'maxWorkers' | 'initializer' | 'initargs' | 'maxTasksPerChild' | 'backend' | 'resourceLimits' | 'threadNamePrefix' | 'cluster';

/** What a worker host runs for every client, so a client cannot ask it per pool. */
const HOST_OWNED_OPTIONS = ['initializer', 'initargs', 'maxTasksPerChild', 'resourceLimits'] as const;

/** The keys of Node's `ResourceLimits` (threads get them all; child processes the old-generation size). */
const RESOURCE_LIMIT_KEYS = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];

/**
 * A worker count or an options object, validated. Anything but an object is taken as the worker count and
 * validated as such (untyped callers may pass null, which is a bad count, not options).
 */
export function resolveWorkerOptions(input: unknown, defaults: WorkerDefaults): ResolvedWorkerOptions {
  const options = (typeof input === 'object' && input !== null ? input : input === undefined ? {} : { [defaults.countName]: input }) as WorkerOptionsInput &
    Record<string, unknown>;
  validateKeys(options, `${defaults.name} options`, defaults.keys);
  const count = options[defaults.countName] ?? defaults.count;
  validateInteger(count, defaults.countName, 1);
  if (options.maxTasksPerChild !== undefined) validateInteger(options.maxTasksPerChild, 'maxTasksPerChild', 1);
  validateOptionalFunction(options.initializer, 'initializer');
  const backend = options.backend ?? defaults.backend;
  validateOneOf(backend, 'backend', BACKEND_KINDS);
  // On the event loop nothing travels, so initargs need not clone there.
  const initargs = resolveInitargs(options.initargs, backend === 'async' || backend === 'cluster' ? null : backend);
  validatePlainObject(options.resourceLimits, 'resourceLimits');
  validateKeys(options.resourceLimits, 'resourceLimits', RESOURCE_LIMIT_KEYS);
  const cluster = resolveCluster(options, backend);
  return {
    count,
    initializer: (options.initializer as ((...args: never[]) => unknown) | null | undefined) ?? null,
    initargs,
    maxTasksPerChild: options.maxTasksPerChild,
    backend,
    resourceLimits: options.resourceLimits as ResourceLimits | undefined,
    cluster,
  };
}

/** The `cluster` option: required by the cluster backend, refused by every other, which would ignore it. */
function resolveCluster(options: WorkerOptionsInput, backend: BackendKind): ResolvedClusterOptions | undefined {
  if (backend !== 'cluster') {
    if (options.cluster !== undefined) throw new TypeError(`The \`cluster\` option needs backend: 'cluster', got backend ${describe(backend)}`);
    return undefined;
  }
  for (const key of HOST_OWNED_OPTIONS) {
    if (options[key] !== undefined) {
      throw new TypeError(`\`${key}\` is not available on the cluster backend: worker hosts set up their own workers (see \`multipool worker --help\`); remove it`);
    }
  }
  return resolveClusterOptions(options.cluster);
}

/** `initargs`: an array, each argument able to go `to` the workers unchanged (null: nothing travels). */
function resolveInitargs(value: unknown, to: Destination | null): unknown[] {
  const initargs = argsArray(value, 'initargs');
  if (to !== null) {
    initargs.forEach((arg: unknown, i: number) => {
      const failure = initargFailure(arg, to);
      if (failure !== null) throw new TypeError(`\`initargs\` argument ${i} cannot be sent to a worker (${describe(arg)}): ${failure}`);
    });
  }
  return initargs;
}
