/**
 * The runtime's front door: which kinds of worker there are, and the one
 * place that turns a kind into a backend.
 */
import type { ResourceLimits } from 'node:worker_threads';

import { AsyncBackend } from './async-backend.js';
import type { Backend, BackendKind, LocalBackendKind } from './backend.js';
import { ClusterBackend } from './cluster/cluster-backend.js';
import type { ResolvedClusterOptions } from './cluster/options.js';
import { TinypoolBackend } from './tinypool-backend.js';

/** Every backend kind, in the order messages list them. */
export const BACKEND_KINDS: readonly BackendKind[] = ['process', 'thread', 'async', 'cluster'];

/** The kinds that run tasks on this machine (what `multiYield` and a worker host take). */
export const LOCAL_BACKEND_KINDS: readonly LocalBackendKind[] = ['process', 'thread', 'async'];

export interface CreateBackendOptions {
  /** Heap limits per worker; ignored by the async backend, which has no heap of its own. */
  readonly resourceLimits?: ResourceLimits | undefined;
  /** Where the queue is: required for `'cluster'`, which resolveWorkerOptions has checked. */
  readonly cluster?: ResolvedClusterOptions | undefined;
}

/** The backend for `kind`: tinypool-spawned processes or threads, worker loops on this event loop, or a cluster's queue. */
export function createBackend(kind: BackendKind, options: CreateBackendOptions = {}): Backend {
  if (kind === 'cluster') {
    if (!options.cluster) throw new TypeError("The 'cluster' backend needs the `cluster` option: { url: 'redis://…', queue: '…' }");
    return new ClusterBackend(options.cluster);
  }
  return kind === 'async' ? new AsyncBackend() : new TinypoolBackend(kind, options);
}
