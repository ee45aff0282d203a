/**
 * The runtime's front door: which kinds of worker there are, and the one
 * place that turns a kind into a backend.
 */
import type { ResourceLimits } from 'node:worker_threads';

import { AsyncBackend } from './async-backend.js';
import type { Backend, BackendKind } from './backend.js';
import { TinypoolBackend } from './tinypool-backend.js';

/** Every backend kind, in the order messages list them. */
export const BACKEND_KINDS: readonly BackendKind[] = ['process', 'thread', 'async'];

export interface CreateBackendOptions {
  /** Heap limits per worker; ignored by the async backend, which has no heap of its own. */
  readonly resourceLimits?: ResourceLimits | undefined;
}

/** The backend for `kind`: tinypool-spawned processes or threads, or worker loops on this event loop. */
export function createBackend(kind: BackendKind, options: CreateBackendOptions = {}): Backend {
  return kind === 'async' ? new AsyncBackend() : new TinypoolBackend(kind, options);
}
