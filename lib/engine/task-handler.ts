/**
 * CPython's `_handle_tasks`, work-conserving: a chunk goes to a started worker
 * that is idle, as in Python's shared task queue, so no chunk waits behind
 * another while a worker could run it. Only chunks measured to be tiny may
 * also queue behind others at a busy worker, several to a message, where the
 * round trips they save matter and the wait cannot be seen.
 */
import type { Chunk } from '../runtime/backend.js';
import type { Destination } from '../runtime/transport.js';
import { cloneFailure } from '../runtime/transport.js';
import { SlotLoad } from './slot-load.js';
import type { TaskQueue } from './task-queue.js';
import type { WorkerHandler } from './worker-handler.js';
import type { WorkerSlot } from './worker-slot.js';

export interface TaskHandlerHooks {
  /**
   * The chunk is about to be sent: false drops it (its job is over, or its future was cancelled while it
   * waited). A chunk is claimed only once a worker is there to run it; `behind` says it will wait there
   * behind other chunks instead of starting at once.
   */
  claim(chunk: Chunk, slot: WorkerSlot, behind: boolean): boolean;
  sent(slot: WorkerSlot, chunk: Chunk): void;
  /** A chunk that holds a value structured clone refuses; it never reached a worker. */
  unsendable(chunk: Chunk, error: TypeError): void;
}

export class TaskHandler {
  readonly #queue: TaskQueue;
  readonly #workers: WorkerHandler;
  readonly #hooks: TaskHandlerHooks;
  /** Where the workers are, which decides what an argument may hold. */
  readonly #to: Destination;

  constructor(queue: TaskQueue, workers: WorkerHandler, hooks: TaskHandlerHooks, to: Destination) {
    this.#queue = queue;
    this.#workers = workers;
    this.#hooks = hooks;
    this.#to = to;
  }

  /** The loop: a worker that may take work, then the chunks ready for it. Ends when the queue or the workers stop. */
  async run(): Promise<void> {
    for (;;) {
      // Awaited only when there is nothing to take at once: a loop that dispatches one chunk per answer
      // otherwise made two promises per chunk.
      let slot = this.#workers.available(false) ?? (await this.#workers.acquire(false));
      if (!slot) return;
      let first: Chunk | null | undefined = this.#queue.poll() ?? (await this.#queue.take());
      if (!first) return;
      // While this loop waited for work, the worker it had picked may have been passed by one that answered since.
      slot = this.#workers.best(false) ?? slot;
      if (slot.inFlight.length > 0 && !this.#workers.mayQueue(slot, first)) {
        // A busy worker may take only tiny chunks that fit its bounds: this one waits, in the queue, for an idle worker.
        this.#queue.putBack(first);
        slot = await this.#workers.acquire(true);
        if (!slot) return;
        first = this.#queue.poll();
        if (!first) continue;
      }
      if (!slot.alive) {
        this.#queue.putBack(first);
        continue;
      }
      const batch = this.#batch(slot, first);
      if (batch.length > 0) this.#send(slot, batch);
    }
  }

  /** `first`, and the tiny chunks ready now that may travel with it, each claimed. */
  #batch(slot: WorkerSlot, first: Chunk): Chunk[] {
    const batch = this.#hooks.claim(first, slot, slot.inFlight.length > 0) ? [first] : [];
    const load = new SlotLoad(false);
    if (batch.length > 0) load.add(first, this.#workers.costs);
    // Never queue work behind a busy worker while another one sits idle.
    while (this.#workers.room(slot, load) > 0 && !this.#workers.idleOtherThan(slot)) {
      const next = this.#queue.poll();
      if (!next) break;
      if (!this.#workers.mayQueue(slot, next, batch, load)) {
        this.#queue.putBack(next);
        break;
      }
      if (!this.#hooks.claim(next, slot, true)) continue;
      batch.push(next);
      load.add(next, this.#workers.costs);
    }
    return batch;
  }

  #send(slot: WorkerSlot, batch: Chunk[]): void {
    try {
      this.#workers.send(slot, batch);
    } catch {
      // Find the chunks that cannot travel; send the others as usual.
      const good: Chunk[] = [];
      for (const chunk of batch) {
        const error = unsendableError(chunk, this.#to);
        if (error) this.#hooks.unsendable(chunk, error);
        else good.push(chunk);
      }
      if (good.length === batch.length) throw new Error('multipool: a batch failed to send but every chunk clones on its own');
      if (good.length > 0) this.#send(slot, good);
      return;
    }
    for (const chunk of batch) this.#hooks.sent(slot, chunk);
  }
}

/** The TypeError for the first argument of `chunk` that cannot go `to` its worker, or null. */
export function unsendableError(chunk: Chunk, to: Destination): TypeError | null {
  for (let i = 0; i < chunk.items.length; i++) {
    const item = chunk.items[i];
    const args = chunk.star ? (item as unknown[]) : [item];
    for (let position = 0; position < args.length; position++) {
      const failure = cloneFailure(args[position], to);
      if (failure === null) continue;
      // A lone starred chunk at index 0 is an apply() call: its arguments have no input position.
      const where = !chunk.star || chunk.items.length > 1 || chunk.index > 0 ? ` of input item ${chunk.index + i}` : '';
      return new TypeError(
        `Cannot send argument ${position}${where} to a worker: ${failure} ` +
          'Arguments cross by structured clone: pass plain data (numbers, strings, arrays, objects, typed arrays, Map, Set, Date), ' +
          'not functions, symbols or objects whose methods matter.',
      );
    }
  }
  return null;
}
