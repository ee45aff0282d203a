/** Workload sizes: the full run the targets are defined for, and a `--quick` smoke run. */
import type { RepOptions } from './measure.js';

export interface BenchConfig {
  readonly quick: boolean;
  readonly reps: RepOptions;
  /** Upper bound for one contender's setup or measurement; a hang becomes a FAIL cell. */
  readonly timeoutMs: number;
  readonly map: { readonly n: number };
  /** `trips` sequential round trips per repetition; `reps` rounds, every contender timed once per round. */
  readonly latency: { readonly trips: number; readonly reps: RepOptions };
  readonly fib: { readonly tasks: number; readonly n: number };
  /** `map(x => x * x)` on fresh pools: the first map of each, and maps 3..`mapsPerPool` (warm). */
  readonly freshMap: { readonly n: number; readonly mapsPerPool: number };
  /** Fresh `ThreadPool(2)`/`Pool(2)` and two raw Workers/forks, started `reps` times each, interleaved. */
  readonly startup: { readonly reps: number };
  /** `inFlight` tiny tasks kept in flight for `durationMs` (after `warmupMs` of the same), `reps` times. */
  readonly sustained: { readonly inFlight: number; readonly durationMs: number; readonly warmupMs: number; readonly reps: number };
  readonly floats: { readonly arrays: number; readonly length: number };
  readonly imap: { readonly n: number; readonly chunksizes: readonly number[] };
  /** `executor.map` with default options, then with this explicit chunksize (CPython's default is 1). */
  readonly executorMap: { readonly n: number; readonly chunksize: number };
  /** Sequential `await executor.submit(echo, i)`. */
  readonly submit: { readonly trips: number };
  /** multiYield and `imap(fn, source, 1)` over a generator of this many seeds. */
  readonly multiYield: { readonly n: number };
  /** Lock pairs in a thread and from a child process, Manager dict pairs, Queue items (bench/workloads/shared-state.ts). */
  readonly shared: { readonly lockPairs: number; readonly remotePairs: number; readonly dictPairs: number; readonly queueItems: number };
}

const FULL: BenchConfig = {
  quick: false,
  reps: { reps: 3, slowMs: 5_000 },
  timeoutMs: 180_000,
  map: { n: 100_000 },
  latency: { trips: 2_000, reps: { reps: 7, slowMs: 5_000 } },
  fib: { tasks: 40, n: 30 },
  freshMap: { n: 100_000, mapsPerPool: 5 },
  startup: { reps: 5 },
  sustained: { inFlight: 1_000, durationMs: 3_000, warmupMs: 500, reps: 3 },
  // 32768 doubles = 256 KB per array.
  floats: { arrays: 200, length: 32_768 },
  imap: { n: 100_000, chunksizes: [1, 1000] },
  executorMap: { n: 100_000, chunksize: 1000 },
  submit: { trips: 2_000 },
  multiYield: { n: 100_000 },
  shared: { lockPairs: 1_000_000, remotePairs: 5_000, dictPairs: 5_000, queueItems: 100_000 },
};

const QUICK: BenchConfig = {
  quick: true,
  reps: { reps: 3, slowMs: 1_000 },
  timeoutMs: 60_000,
  map: { n: 10_000 },
  latency: { trips: 200, reps: { reps: 3, slowMs: 1_000 } },
  // 40 tasks, so the default chunksize (5) and the split between workers are the full run's.
  fib: { tasks: 40, n: 25 },
  freshMap: { n: 10_000, mapsPerPool: 5 },
  startup: { reps: 3 },
  sustained: { inFlight: 1_000, durationMs: 1_000, warmupMs: 200, reps: 3 },
  floats: { arrays: 20, length: 32_768 },
  imap: { n: 5_000, chunksizes: [1, 1000] },
  // CPython's executor.map with chunksize 1 costs ~0.2 ms per item: 5,000 items keep it near a second.
  executorMap: { n: 5_000, chunksize: 1000 },
  submit: { trips: 200 },
  multiYield: { n: 5_000 },
  shared: { lockPairs: 100_000, remotePairs: 1_000, dictPairs: 1_000, queueItems: 5_000 },
};

export function configFor(argv: readonly string[]): BenchConfig {
  return argv.includes('--quick') ? QUICK : FULL;
}
