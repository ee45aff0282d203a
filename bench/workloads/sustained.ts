/**
 * Workload: the sustained small-task rate, as piscina's own benchmark
 * measures its `run()`: 1,000 tiny tasks are kept in flight (every lane
 * sends its next task as soon as its previous one settles) for 3 seconds,
 * and the completions are counted. Ours go through `applyAsync(echo, [i])`
 * (both pools) and `executor.submit(echo, i)` (both executors); the peers
 * through their `run`/`exec` of the same echo. Every reply is checked. The
 * cell is completions per second (higher is better), the median of 3 runs
 * after a short warm-up run on the same pool; every contender is open at once
 * and the runs go in turn (see interleave.ts), as in the round-trip rows.
 */
import { performance } from 'node:perf_hooks';

import type { BenchConfig } from '../harness/config.js';
import type { ContenderId, PeerPool } from '../harness/contenders.js';
import { closeExecutor, EXECUTORS, openExecutor, openOurs, openPeer, OURS, PEERS, WORKERS } from '../harness/contenders.js';
import type { Turn } from '../harness/interleave.js';
import { interleavedCells, warmedTurn } from '../harness/interleave.js';
import type { Cell } from '../harness/measure.js';
import { cellFromRuns, check } from '../harness/measure.js';
import { openBoundedProcessEchoes } from '../harness/raw-echo.js';
import type { Row } from '../harness/table.js';
import { echo } from './latency.js';

/**
 * Keeps `inFlight` tasks running until `durationMs` has passed: each lane
 * awaits its task, checks the reply, and sends the next one until the
 * deadline. Returns completions per second over the time until the last lane
 * finished (so the tasks still in flight at the deadline count, and their
 * time too).
 */
async function sustainedRate(send: (value: number) => Promise<unknown>, inFlight: number, durationMs: number): Promise<number> {
  let next = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const value = next++;
      const reply = await send(value);
      check(reply === value, `task ${value} answered ${String(reply)}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return (done / (performance.now() - start)) * 1000;
}

/**
 * Calls a ProcessPoolExecutor lets wait behind running ones, all children together (engine/window.ts,
 * `executorMaxQueued`): CPython's call queue, `max_workers + 1`. Its futures count as running once a child
 * holds them, so the raw floor of the row holds no more.
 */
const EXECUTOR_QUEUED_CALLS = WORKERS + 1;

/**
 * A contender of the row: opened, warmed up for `warmupMs`, then one rate run of `durationMs` per repetition,
 * in turn with the others (see interleave.ts): the rates it is compared with are measured in the same minutes.
 */
function rateTurn<T>(id: ContenderId, config: BenchConfig, open: () => Promise<T> | T, send: (subject: T, value: number) => Promise<unknown>, close: (subject: T) => Promise<unknown>): Turn<ContenderId> {
  const { inFlight, durationMs, warmupMs } = config.sustained;
  const task = (subject: T) => (value: number): Promise<unknown> => send(subject, value);
  const label = `sustained rate / ${id === 'rawProcesses' ? 'raw fork' : id}`;
  return warmedTurn(id, label, { open, warm: (subject) => sustainedRate(task(subject), inFlight, warmupMs), close }, (subject) => ({
    run: () => sustainedRate(task(subject), inFlight, durationMs),
  }));
}

export async function sustainedRow(config: BenchConfig): Promise<Row> {
  const { inFlight, durationMs, reps } = config.sustained;
  const turns: Turn<ContenderId>[] = [
    ...OURS.map((id) => rateTurn(id, config, () => openOurs(id), (pool, v) => pool.applyAsync(echo, [v]).get(), (pool) => pool.terminate())),
    // `await` on the Future itself (it is PromiseLike), as users write it.
    ...EXECUTORS.map((id) => rateTurn(id, config, () => openExecutor(id), async (ex, v) => await ex.submit(echo, v), closeExecutor)),
    ...PEERS.map((id) => rateTurn<PeerPool>(id, config, () => openPeer(id), (peer, v) => peer.run('echo', v), (peer) => peer.destroy())),
    // The floor of a ProcessPoolExecutor's rate: bare children holding as many calls each as it lets one hold.
    rateTurn('rawProcesses', config, () => openBoundedProcessEchoes(WORKERS, EXECUTOR_QUEUED_CALLS), (echoes, v) => echoes.send(v), (echoes) => echoes.close()),
  ];
  // A figure here is a rate, not a time: no contender is "slow" enough to run once.
  const cells = Object.fromEntries(await interleavedCells(turns, { reps, slowMs: Infinity }, config.timeoutMs, (runs) => cellFromRuns(runs))) as Partial<Record<ContenderId, Cell>>;
  return {
    title: `sustained rate: ${inFlight.toLocaleString('en-US')} tiny tasks (echo) kept in flight for ${durationMs / 1000} s, every contender open at once and run in turn, median of ${reps} rounds (Pool/ThreadPool: applyAsync; executors: submit; peers: run/exec; raw fork: ${WORKERS} bare children, one call running at each and at most ${EXECUTOR_QUEUED_CALLS} queued behind them in all)`,
    unit: 'ops/s',
    higherIsBetter: true,
    cells,
    targets: [
      { subject: 'threadPool', reference: 'piscina', kind: 'atLeast', limit: 1.5 },
      { subject: 'pool', reference: 'piscina', kind: 'atLeast', limit: 1.5 },
      { subject: 'threadExecutor', reference: 'piscina', kind: 'atLeast', limit: 1.5 },
      { subject: 'processExecutor', reference: 'piscina', kind: 'atLeast', limit: 1.5 },
    ],
    // Like for like: the process-based ones against the process-based peer.
    comparisons: [
      { subject: 'pool', reference: 'tinypoolProcess' },
      { subject: 'processExecutor', reference: 'tinypoolProcess' },
      // How far the ProcessPoolExecutor is from its floor, and how far that floor is from the target's reference.
      { subject: 'processExecutor', reference: 'rawProcesses' },
      { subject: 'rawProcesses', reference: 'piscina' },
    ],
  };
}
