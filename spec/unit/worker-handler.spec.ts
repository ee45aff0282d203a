/**
 * The worker handler on its own, over a backend whose workers the spec drives by hand: what a worker that
 * is being stopped may still be given, and what the run times it learns from answers include.
 */
import { CancelledError } from 'multipool';

import { WorkerHandler } from '../../dist/engine/worker-handler.js';
import type { WorkerSlot } from '../../dist/engine/worker-slot.js';
import type { Backend, Chunk, WorkerEvents, WorkerHandle } from '../../dist/runtime/backend.js';
import { claimMemory } from '../../dist/runtime/claims.js';

/** One fake worker: the spec fires its events; `terminate()` only records the call, as a real stop takes time. */
interface FakeWorker {
  readonly events: WorkerEvents;
  readonly posted: Chunk[];
  terminated: boolean;
}

function fakeBackend(claimWords?: Int32Array): { backend: Backend; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const backend: Backend = {
    kind: 'thread',
    spawn(_spec, events): WorkerHandle {
      const worker: FakeWorker = { events, posted: [], terminated: false };
      workers.push(worker);
      return {
        pid: process.pid,
        threadId: workers.length,
        ...(claimWords ? { claimWords } : {}),
        post: (chunks) => void worker.posted.push(...chunks),
        credit: () => {},
        setRef: () => {},
        terminate: () => {
          worker.terminated = true;
          return Promise.resolve();
        },
        kill: () => {},
      };
    },
    prepare: () => {},
    broken: (message) => new Error(message) as never,
  };
  return { backend, workers };
}

const noHooks = {
  started: () => {},
  results: () => {},
  items: () => {},
  lost: () => {},
  exited: () => {},
  initFailed: () => {},
  bootFailed: () => {},
  demand: () => 0,
};

const task = (): number => 1;

test('a worker stopped for its chunk takes no new chunk, even when that chunk answers before the worker is gone', async () => {
  const { backend, workers } = fakeBackend();
  const handler = new WorkerHandler(backend, { processes: 1, initializer: null, initargs: [], maxTasksPerChild: undefined, maxWindow: 64, spawn: 'eager' }, noHooks);
  handler.grow();
  workers[0]!.events.ready();
  const slot = (await handler.acquire(true)) as WorkerSlot;
  const chunk: Chunk = { job: 1, index: 0, fn: task, items: [[]], star: true, perItem: false, exclusive: true };
  handler.send(slot, [chunk]);

  // A per-task timeout (or a client taking the chunk back) stops the worker ...
  expect(handler.stopChunk(1, 0, new Error('timed out'))).toBe(true);
  expect(workers[0]!.terminated).toBe(true);
  // ... and the chunk's result, already on its way, arrives before the worker has exited.
  workers[0]!.events.message({ t: 'results', results: [{ job: 1, index: 0, ms: 0.1, outcome: { kind: 'values', values: [1] } }] });

  expect(handler.room(slot)).toBe(0);
  expect(handler.idleOtherThan(slot)).toBe(false);
  // No other worker is started yet, so nothing can be acquired until the stopped one has exited.
  let acquired: WorkerSlot | null | undefined;
  void handler.acquire(false).then((next) => (acquired = next));
  await new Promise((resolve) => setImmediate(resolve));
  expect(acquired).toBeUndefined();

  // Once it exits, its replacement takes the work.
  workers[0]!.events.exit({ exitCode: 1, signal: null });
  await new Promise((resolve) => setImmediate(resolve));
  expect(workers).toHaveLength(2);
  workers[1]!.events.ready();
  await new Promise((resolve) => setImmediate(resolve));
  expect(acquired?.handle.threadId).toBe(2);
  await handler.stop();
});

test('a held call cancelled before it started does not count as a run of its function', async () => {
  const { backend, workers } = fakeBackend(claimMemory());
  const handler = new WorkerHandler(backend, { processes: 1, initializer: null, initargs: [], maxTasksPerChild: undefined, maxWindow: 64, spawn: 'eager' }, noHooks);
  handler.grow();
  workers[0]!.events.ready();
  const slot = (await handler.acquire(true)) as WorkerSlot;
  const call = (index: number): Chunk => ({ job: 1, index, fn: task, items: [[]], star: true, perItem: false, holdable: true });
  const [first, second] = [call(0), call(1)];
  handler.send(slot, [first, second]);
  expect(handler.holds(slot, second)).toBe(true);

  // The first call runs for 40 ms; the second is cancelled while held, and the worker answers it unrun.
  expect(handler.cancelHeld(second)).toBe(true);
  workers[0]!.events.message({
    t: 'results',
    results: [
      { job: 1, index: 0, ms: 40, outcome: { kind: 'values', values: [1] } },
      { job: 1, index: 1, ms: 0.001, outcome: { kind: 'error', error: new CancelledError('cancelled') } },
    ],
  });

  expect(handler.costs.expectedMs(call(2))).toBe(40);
  expect(handler.costs.isTiny(call(2))).toBe(false);
  await handler.stop();
});
