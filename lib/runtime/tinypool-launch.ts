/**
 * How a worker is launched: the module it loads, and the single-worker Tinypool whose constructor starts it,
 * a child process under a parent-death signal where the platform has one (death-signal.ts).
 */
import { statSync } from 'node:fs';
import type { ResourceLimits } from 'node:worker_threads';

import Tinypool from 'tinypool';

import { childNodeFlags, forkWithDeathSignal } from './death-signal.js';

/** The module a new worker loads (see {@link workerModule}). */
const ENTRY = workerModule();

/**
 * The worker side as one module, written after every build by scripts/bundle-worker.mjs, since each module a
 * worker loads delays its start by about half a millisecond; or the entry itself, which imports the rest, when
 * there is no bundle or the entry was compiled again after it.
 */
function workerModule(): string {
  const entry = new URL('./worker/worker-entry.js', import.meta.url);
  const bundle = new URL('./worker/worker-bundle.js', import.meta.url);
  const bundled = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(entry, { throwIfNoEntry: false });
  return bundled && compiled && bundled.mtimeMs >= compiled.mtimeMs ? bundle.href : entry.href;
}

/** A thread's heap limits, as tinypool takes them (a child process gets its limit as a flag, see childFlags). */
function threadHeap(limits: ResourceLimits | undefined): { resourceLimits?: ResourceLimits } {
  return limits ? { resourceLimits: limits } : {};
}

/** node's flags for a child process: ours, and `maxOldGenerationSizeMb` as `--max-old-space-size`. */
function childFlags(limits: ResourceLimits | undefined): string[] {
  const mb = limits?.maxOldGenerationSizeMb;
  return mb === undefined ? childNodeFlags() : [...childNodeFlags(), `--max-old-space-size=${mb}`];
}

/**
 * One single-worker Tinypool for one of our workers. Its constructor starts the worker; a child process starts
 * under a parent-death signal where the platform has one (death-signal.ts).
 */
export function createTinypool(kind: 'process' | 'thread', limits: ResourceLimits | undefined): Tinypool {
  const common = {
    filename: ENTRY,
    minThreads: 1,
    maxThreads: 1,
    // Atomics.wait between tinypool tasks would freeze our loop, which runs after the bootstrap task returns.
    useAtomics: false,
    serialization: 'advanced',
  } as const;
  // fork() gets only what `env` holds: pass ours, or the child has no PATH.
  const env = { ...process.env } as Record<string, string>;
  const pool =
    kind === 'thread'
      ? new Tinypool({ ...common, runtime: 'worker_threads', env, ...threadHeap(limits) })
      : forkWithDeathSignal(childFlags(limits), env, (launch) => new Tinypool({ ...common, runtime: 'child_process', ...launch }));
  // tinypool reports a worker that dies while idle as an 'error'; the handle's exit listener handles it.
  pool.on('error', () => {});
  return pool;
}
