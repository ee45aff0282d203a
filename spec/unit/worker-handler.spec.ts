/**
 * The worker handler on its own, over a backend whose workers the spec drives by hand: what a worker that
 * is being stopped may still be given, what the run times it learns from answers include, and how many
 * tiny calls an executor's workers may hold past `cancel()`.
 */
import { CancelledError } from 'multipool';

import { POOL_MAX_WINDOW } from '../../dist/engine/window.js';
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

function fakeBackend(claimWords?: Int32Array, kind: 'thread' | 'process' = 'thread'): { backend: Backend; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const backend: Backend = {
    kind,
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

/** Sends calls one at a time to whichever worker the handler picks until none may take more; how many each took. */
function fill(handler: WorkerHandler, next: () => Chunk): Map<WorkerSlot, number> {
  const took = new Map<WorkerSlot, number>();
  for (let slot = handler.available(false); slot; slot = handler.available(false)) {
    handler.send(slot, [next()]);
    took.set(slot, (took.get(slot) ?? 0) + 1);
  }
  return took;
}

/** Answers every call `slot` holds in one message, as a worker does. */
function answerAll(workers: FakeWorker[], slot: WorkerSlot): void {
  const worker = workers[(slot.handle.threadId as number) - 1] as FakeWorker;
  const results = slot.inFlight.map((chunk) => ({ job: chunk.job, index: chunk.index, ms: 0.01, outcome: { kind: 'values' as const, values: [1] } }));
  worker.events.message({ t: 'results', results });
}

describe("an executor's tiny calls past cancel(): at most 2 × maxWorkers + 1, as in CPython's process executor", () => {
  let index = 0;
  const call = (): Chunk => ({ job: 1, index: index++, fn: task, items: [[]], star: true, perItem: false });
  const heldCall = (): Chunk => ({ ...call(), holdable: true });

  /**
   * An executor's handler over two fake workers, spawned and not ready yet, that knows `call` is tiny: each
   * worker may hold one running call and the queue both share holds 3 (`bounds` to change that). Threads
   * share claim words, so the calls they hold stay pending; processes do not.
   */
  function executorOf(kind: 'thread' | 'process', bounds = { maxWindow: 4, maxQueued: 3 }): { handler: WorkerHandler; workers: FakeWorker[] } {
    const { backend, workers } = fakeBackend(kind === 'thread' ? claimMemory() : undefined, kind);
    const handler = new WorkerHandler(backend, { processes: 2, initializer: null, initargs: [], maxTasksPerChild: undefined, ...bounds, spawn: 'eager' }, noHooks);
    handler.costs.observe(call(), 0.01);
    handler.grow();
    return { handler, workers };
  }

  test('two workers hold five between them, three and two; one that answers takes as many as the queue has room for', async () => {
    const { handler, workers } = executorOf('process');
    for (const worker of workers) worker.events.ready();

    const took = fill(handler, call);
    expect([...took.values()].sort()).toEqual([2, 3]);
    const [two, three] = [...took.keys()].sort((a, b) => a.inFlight.length - b.inFlight.length) as [WorkerSlot, WorkerSlot];

    // The one with two answers both; the other still queues two behind its running one: one place is left in
    // the shared queue, so the idle worker takes a call to run and one to queue.
    answerAll(workers, two);
    expect(fill(handler, call)).toEqual(new Map([[two, 2]]));
    expect(two.inFlight.length + three.inFlight.length).toBe(5);
    await handler.stop();
  });

  test('an idle worker always takes a call, even with the queue full', async () => {
    const { handler, workers } = executorOf('process');
    workers[0]!.events.ready();
    // Alone, the first worker holds one running and the whole queue behind it.
    expect([...fill(handler, call).values()]).toEqual([4]);
    workers[1]!.events.ready();
    expect([...fill(handler, call).values()]).toEqual([1]);
    await handler.stop();
  });

  test('however many workers an executor has, a thread holds no more pending calls than the pool window (and its claim words) allow', async () => {
    // The bounds of an executor of 198 workers.
    const { handler, workers } = executorOf('thread', { maxWindow: 200, maxQueued: 199 });
    workers[0]!.events.ready();
    expect([...fill(handler, heldCall).values()]).toEqual([POOL_MAX_WINDOW]);
    await handler.stop();
  });

  test("a thread's pending calls take no place in the queue: another worker may still queue calls that become running", async () => {
    const { handler, workers } = executorOf('thread');
    workers[0]!.events.ready();
    expect([...fill(handler, heldCall).values()]).toEqual([POOL_MAX_WINDOW]);
    workers[1]!.events.ready();
    expect([...fill(handler, call).values()]).toEqual([4]);
    await handler.stop();
  });

  test('a call that would become running may not join the pending calls a thread holds once the queue is full', async () => {
    const { handler, workers } = executorOf('thread');
    workers[0]!.events.ready();
    const [busy] = fill(handler, call).keys() as Iterable<WorkerSlot>;
    workers[1]!.events.ready();
    const [holding] = fill(handler, heldCall).keys() as Iterable<WorkerSlot>;
    expect(handler.room(busy as WorkerSlot)).toBe(0);
    expect(holding?.inFlight).toHaveLength(POOL_MAX_WINDOW);
    expect(handler.mayQueue(holding as WorkerSlot, call())).toBe(false);
    expect(handler.mayQueue(holding as WorkerSlot, heldCall())).toBe(true);
    await handler.stop();
  });

  test('calls that stay pending while held (a thread with claim words) may fill the pool window; the others may not', async () => {
    const { handler, workers } = executorOf('thread');
    workers[0]!.events.ready();
    const took = fill(handler, heldCall);
    expect([...took.values()]).toEqual([POOL_MAX_WINDOW]);
    const [slot] = took.keys() as Iterable<WorkerSlot>;
    answerAll(workers, slot as WorkerSlot);
    expect([...fill(handler, call).values()]).toEqual([4]);
    await handler.stop();
  });
});
