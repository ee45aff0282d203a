/**
 * CPython's `_handle_workers`: keeps `processes` workers alive (a pool starts
 * them all; an executor starts one whenever work waits and no worker is idle
 * or starting, as `_adjust_thread_count` does), replaces any that exit or
 * retire (`maxTasksPerChild`), and knows what each one holds so a dead
 * worker's chunks are never lost.
 */
import { Wakeup } from '../internal/wakeup.js';
import type { Backend, Chunk, ChunkResult, WorkerExit, WorkerHandle, WorkerMessage } from '../runtime/backend.js';
import { ChunkCosts } from './chunk-costs.js';
import { HeldCalls } from './held-calls.js';
import { SlotLoad } from './slot-load.js';
import type { HoldBounds } from './window.js';
import { queuedAt, slotRoom, stayPending } from './window.js';
import type { WorkerSlot } from './worker-slot.js';
import { heldBy, holding, openSlot, postTo } from './worker-slot.js';

export interface WorkerHandlerOptions extends HoldBounds {
  readonly processes: number;
  readonly initializer: ((...args: never[]) => unknown) | null;
  readonly initargs: unknown[];
  /** `'eager'`: all `processes` workers from the start (Pool). `'on-demand'`: one more whenever work waits (executors). */
  readonly spawn: 'eager' | 'on-demand';
}

export interface WorkerHandlerHooks {
  started(slot: WorkerSlot): void;
  results(slot: WorkerSlot, results: ChunkResult[], chunks: Chunk[]): void;
  items(job: number, index: number, values: unknown[]): void;
  lost(slot: WorkerSlot, exit: WorkerExit, chunks: Chunk[]): void;
  exited(slot: WorkerSlot, exit: WorkerExit): void;
  /** A worker's initializer threw `error` (rebuilt). */
  initFailed(error: unknown): void;
  /** Workers keep dying before they are ready: the pool cannot work. */
  bootFailed(exit: WorkerExit): void;
  /** How many workers the queued work could use now, counted up to `limit` (for on-demand spawning). */
  demand(limit: number): number;
}

/** A batch of nothing, shared: `mayQueue` runs for every chunk dispatched to a busy worker. */
const NO_CHUNKS: readonly Chunk[] = [];

/** Workers in a row that may die before they are ready before the pool gives up. */
const MAX_BOOT_FAILURES = 3;

export class WorkerHandler {
  readonly #backend: Backend;
  readonly #options: WorkerHandlerOptions;
  readonly #hooks: WorkerHandlerHooks;
  readonly #slots = new Set<WorkerSlot>();
  #nextId = 1;
  /** Chunks queued behind another at their worker, all workers together (see `maxQueued`). */
  #queued = 0;
  /** Answers received from all workers: the clock of `WorkerSlot.answered`. */
  #answers = 0;
  #running = true;
  #ref = false;
  /** Wakes the worker handler's loop (a worker left). */
  readonly #changed = new Wakeup();
  /** Wakes the task handler waiting in `acquire` (a worker has room). */
  readonly #capacity = new Wakeup();
  /** Measured run times: which chunks are tiny enough to queue behind others. */
  readonly costs = new ChunkCosts();
  #bootFailures = 0;

  constructor(backend: Backend, options: WorkerHandlerOptions, hooks: WorkerHandlerHooks) {
    this.#backend = backend;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** The worker handler's loop: top the pool up whenever a worker leaves (or, on demand, work waits). */
  async run(): Promise<void> {
    while (this.#running) {
      this.grow();
      await this.#changed.wait();
    }
  }

  /**
   * Spawns workers up to `processes` (eager), or one for each unit of queued work that no idle or starting
   * worker will take (on demand). `#running` is checked each time: a `workerStart` listener may stop the pool.
   */
  grow(): void {
    const { processes } = this.#options;
    if (this.#options.spawn === 'eager') {
      while (this.#running && this.#slots.size < processes) this.#spawn();
      return;
    }
    // Called for every submit: with every worker started there is nothing to count.
    if (this.#slots.size >= processes) return;
    let free = 0;
    for (const slot of this.#slots) if (slot.alive && slot.inFlight.length === 0) free++;
    const wanted = this.#hooks.demand(processes);
    for (; this.#running && free < wanted && this.#slots.size < processes; free++) this.#spawn();
  }

  #notify(): void {
    this.#changed.wake();
    this.#capacity.wake();
  }

  #spawn(): void {
    const slot = openSlot(this.#nextId++);
    const handle = this.#backend.spawn(
      { workerId: slot.id, initializer: this.#options.initializer, initargs: this.#options.initargs },
      {
        ready: () => {
          slot.ready = true;
          // Announced once it listens, which is after the constructor returned, so listeners see every worker.
          this.#hooks.started(slot);
          this.#notify();
        },
        message: (message) => this.#receive(slot, message),
        exit: (exit) => this.#exited(slot, exit),
      },
    );
    (slot as { handle: WorkerHandle }).handle = handle;
    if (handle.claimWords) (slot as { claims: HeldCalls }).claims = new HeldCalls(handle.claimWords);
    handle.setRef(this.#ref);
    this.#slots.add(slot);
    this.#notify();
  }

  #receive(slot: WorkerSlot, message: WorkerMessage): void {
    switch (message.t) {
      case 'init-error':
        this.#hooks.initFailed(message.error);
        return;
      case 'items':
        this.#hooks.items(message.job, message.index, message.values);
        return;
      case 'results': {
        slot.answered = ++this.#answers;
        const queued = queuedAt(slot);
        const chunks = slot.inFlight.splice(0, message.results.length);
        for (let i = 0; i < chunks.length; i++) {
          const chunk = chunks[i] as Chunk;
          slot.load.remove(chunk);
          // A call cancelled while held was answered unrun: its ms would pass for a tiny task.
          if (!slot.claims?.cancelled(chunk)) this.costs.observe(chunk, (message.results[i] as ChunkResult).ms);
        }
        this.#queued += queuedAt(slot) - queued;
        slot.claims?.answered(chunks);
        this.#hooks.results(slot, message.results, chunks);
        this.#maybeRetire(slot);
        // The worker has room again; the worker set is the same (a retired worker woke both itself).
        this.#capacity.wake();
        return;
      }
    }
  }

  #exited(slot: WorkerSlot, exit: WorkerExit): void {
    slot.alive = false;
    this.#slots.delete(slot);
    if (slot.ready) this.#bootFailures = 0;
    else if (this.#running && !slot.killed) this.#bootFailures += 1;
    this.#queued -= queuedAt(slot);
    const lost = slot.inFlight.splice(0);
    if (lost.length > 0) this.#hooks.lost(slot, exit, lost);
    this.#hooks.exited(slot, exit);
    // Releases what the backend still holds for it (tinypool may already have started a replacement process).
    void slot.handle.terminate();
    // Respawning a worker that cannot start would loop forever and hang every task.
    if (this.#bootFailures >= MAX_BOOT_FAILURES) this.#hooks.bootFailed(exit);
    this.#notify();
  }

  #maybeRetire(slot: WorkerSlot): void {
    const max = this.#options.maxTasksPerChild;
    if (max === undefined || slot.sent < max || slot.inFlight.length > 0 || !slot.alive) return;
    // Retired: leave the set now so a replacement starts while this one stops.
    slot.alive = false;
    this.#slots.delete(slot);
    void slot.handle.terminate();
    this.#notify();
  }

  /** How many more chunks `slot` may take on top of what it holds and `batch` (see {@link slotRoom}). */
  room(slot: WorkerSlot, batch: SlotLoad | null = null): number {
    return Math.max(0, slotRoom(slot, batch, this.costs, this.#options, this.#queued));
  }

  /**
   * True when a busy `slot`, which has room for one more on top of `batch` (`load` its sums), may take `chunk`
   * behind them: it must be tiny, and fit the bounds that apply to it. Those are the same as for what the slot
   * holds unless `chunk` is one a thread would not hold pending while everything else there is: then the pool's
   * window for pending calls gives way to the executor's, and to its queue bound, so it is counted afresh.
   */
  mayQueue(slot: WorkerSlot, chunk: Chunk, batch: readonly Chunk[] = NO_CHUNKS, load: SlotLoad | null = null): boolean {
    if (!this.costs.isTiny(chunk)) return false;
    if (chunk.holdable === true || !stayPending(slot, load)) return true;
    const probe = new SlotLoad(false);
    for (const held of batch) probe.add(held, this.costs);
    probe.add(chunk, this.costs);
    return slotRoom(slot, probe, this.costs, this.#options, this.#queued) >= 0;
  }

  /** True when `chunk`, sent to `slot`, would be held there with a claim word instead of being claimed now. */
  holds(slot: WorkerSlot, chunk: Chunk): boolean {
    return chunk.holdable === true && slot.claims !== undefined;
  }

  /** Takes a held chunk back before its worker starts it; false once started (or no longer held). */
  cancelHeld(chunk: Chunk): boolean {
    return heldBy(this.#slots, chunk)?.cancel(chunk) ?? false;
  }

  /** True once the worker holding `chunk` has started it (or it is held no more). */
  heldStarted(chunk: Chunk): boolean {
    return heldBy(this.#slots, chunk)?.started(chunk) ?? true;
  }

  /** `acquire` without waiting: the worker it would give now, or null. */
  available(idle: boolean): WorkerSlot | null {
    return this.#running ? this.best(idle) : null;
  }

  /**
   * A started worker that may take a chunk now, an idle one first (with `idle`, only an idle one); waits for
   * one. Null once stopped.
   */
  async acquire(idle: boolean): Promise<WorkerSlot | null> {
    for (;;) {
      const slot = this.available(idle);
      if (slot) return slot;
      if (!this.#running) return null;
      // Nothing started can take work: on demand, start a worker for it.
      this.grow();
      await this.#capacity.wait();
    }
  }

  /**
   * The started worker that may take a chunk now and holds the fewest (with `idle`, only one that holds
   * none), or null. Among equals: a child process that answered last, which is still awake, where one that
   * slept through a whole round trip costs the system more to wake (sequential `Pool(2).apply`: 29–31 against
   * 32–41 µs of child CPU per call); but the worker thread that answered longest ago, since one that has just
   * answered is still finishing its turn (sequential `ThreadPool(2).apply`: 16–17 µs of worker CPU per call
   * rotating over both threads, 20–22 µs on one).
   */
  best(idle: boolean): WorkerSlot | null {
    const warmest = this.#backend.kind === 'process';
    let best: WorkerSlot | null = null;
    for (const slot of this.#slots) {
      if (idle && slot.inFlight.length > 0) continue;
      if (this.room(slot) <= 0) continue;
      if (best === null || slot.inFlight.length < best.inFlight.length) best = slot;
      else if (slot.inFlight.length === best.inFlight.length && (warmest ? slot.answered > best.answered : slot.answered < best.answered)) best = slot;
    }
    return best;
  }

  /** True when a worker other than `slot` holds nothing (one still starting counts: it will be idle soon). */
  idleOtherThan(slot: WorkerSlot): boolean {
    for (const other of this.#slots) {
      if (other !== slot && other.alive && other.inFlight.length === 0) return true;
    }
    return false;
  }

  /** Posts chunks to one worker in one message; throws (recording nothing) when a value cannot be cloned. */
  send(slot: WorkerSlot, chunks: Chunk[]): void {
    const queued = queuedAt(slot);
    postTo(slot, chunks, this.costs);
    this.#queued += queuedAt(slot) - queued;
  }

  /**
   * Stops the worker that holds chunk (`job`, `index`), so that chunk fails with `error` (a timeout or an
   * abort) and the worker is replaced. Returns false when no worker holds it.
   */
  stopChunk(job: number, index: number, error: unknown): boolean {
    const slot = holding(this.#slots, job, index);
    if (!slot) return false;
    slot.killed = { job, index, error };
    // It takes nothing more while it stops: its chunk may still answer first, which would make it look idle.
    slot.alive = false;
    void slot.handle.terminate();
    return true;
  }

  /** Takes back the chunks workers hold but have not started (only cluster slots can); returns them. */
  async withdraw(): Promise<Chunk[]> {
    const taken = (await Promise.all([...this.#slots].map(async (slot) => (await slot.handle.withdraw?.()) ?? []))).flat();
    for (const slot of this.#slots) {
      for (const chunk of taken) slot.load.remove(chunk);
      slot.inFlight.splice(0, slot.inFlight.length, ...slot.inFlight.filter((chunk) => !taken.includes(chunk)));
    }
    this.#queued = 0;
    for (const slot of this.#slots) this.#queued += queuedAt(slot);
    this.#notify();
    return taken;
  }

  /** Lets the worker holding chunk (`job`, `index`) stream `n` more items. */
  credit(job: number, index: number, n: number): void {
    holding(this.#slots, job, index)?.handle.credit(job, index, n);
  }

  /** Workers keep the process alive only while work is outstanding. */
  setRef(ref: boolean): void {
    if (this.#ref === ref) return;
    this.#ref = ref;
    for (const slot of this.#slots) slot.handle.setRef(ref);
  }

  /** Stops the loop and every worker; chunks they held are returned (to be failed by the caller). */
  async stop(): Promise<Chunk[]> {
    this.#running = false;
    const slots = [...this.#slots];
    this.#slots.clear();
    this.#queued = 0;
    this.#notify();
    const held: Chunk[] = [];
    for (const slot of slots) {
      slot.alive = false;
      held.push(...slot.inFlight.splice(0));
    }
    await Promise.all(slots.map((slot) => slot.handle.terminate()));
    return held;
  }
}
