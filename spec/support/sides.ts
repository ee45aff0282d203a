/** The two sides a shared primitive is used from besides its owner: a worker thread and a child process. */
import type { Pool } from 'multipool';

import { makePool } from './helpers.js';

export type Side = 'thread' | 'process';

export const SIDES: readonly Side[] = ['thread', 'process'];

/** A pool whose workers are on `side` (worker threads or child processes). */
export function sidePool(side: Side, processes = 2): Pool {
  return makePool(side, processes);
}

/** The limit of one step of a test that could hang, in seconds. */
export const STEP_LIMIT = 15;
