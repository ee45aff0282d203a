/** Workload sizes: the full run the targets are defined for, and a `--quick` smoke run. */
import type { RepOptions } from './measure.js';

export interface BenchConfig {
  readonly quick: boolean;
  readonly reps: RepOptions;
  /** Upper bound for one contender's setup or measurement; a hang becomes a FAIL cell. */
  readonly timeoutMs: number;
  readonly map: { readonly n: number };
  readonly latency: { readonly trips: number };
  readonly fib: { readonly tasks: number; readonly n: number };
  readonly floats: { readonly arrays: number; readonly length: number };
  readonly imap: { readonly n: number; readonly chunksizes: readonly number[] };
}

const FULL: BenchConfig = {
  quick: false,
  reps: { reps: 3, slowMs: 5_000 },
  timeoutMs: 180_000,
  map: { n: 100_000 },
  latency: { trips: 2_000 },
  fib: { tasks: 40, n: 27 },
  // 32768 doubles = 256 KB per array.
  floats: { arrays: 200, length: 32_768 },
  imap: { n: 100_000, chunksizes: [1, 1000] },
};

const QUICK: BenchConfig = {
  quick: true,
  reps: { reps: 3, slowMs: 1_000 },
  timeoutMs: 60_000,
  map: { n: 10_000 },
  latency: { trips: 200 },
  fib: { tasks: 8, n: 22 },
  floats: { arrays: 20, length: 32_768 },
  imap: { n: 5_000, chunksizes: [1, 1000] },
};

export function configFor(argv: readonly string[]): BenchConfig {
  return argv.includes('--quick') ? QUICK : FULL;
}
