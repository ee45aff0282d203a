/**
 * CPython's `_handle_tasks`: takes chunks from the task queue only when a
 * worker has room for them, and sends every chunk that is ready at that moment
 * to that worker in one message.
 */
import type { Chunk } from '../runtime/backend.js';
import { cloneFailure } from '../runtime/transport.js';
import type { TaskQueue } from './task-queue.js';
import type { WorkerHandler, WorkerSlot } from './worker-handler.js';

export interface TaskHandlerHooks {
  /** False once the chunk's job is over (aborted while the chunk waited for a worker): it is not sent. */
  live(chunk: Chunk): boolean;
  sent(slot: WorkerSlot, chunk: Chunk): void;
  /** A chunk that holds a value structured clone refuses; it never reached a worker. */
  unsendable(chunk: Chunk, error: TypeError): void;
}

export class TaskHandler {
  readonly #queue: TaskQueue;
  readonly #workers: WorkerHandler;
  readonly #hooks: TaskHandlerHooks;

  constructor(queue: TaskQueue, workers: WorkerHandler, hooks: TaskHandlerHooks) {
    this.#queue = queue;
    this.#workers = workers;
    this.#hooks = hooks;
  }

  /** The loop: a worker with room, then the chunks ready for it. Ends when the queue or the workers stop. */
  async run(): Promise<void> {
    for (;;) {
      let slot = await this.#workers.acquire(false);
      if (!slot) return;
      const first = await this.#queue.take();
      if (!first) return;
      // An exclusive chunk waits for a worker with nothing else queued.
      if (first.exclusive && slot.inFlight.length > 0) slot = await this.#workers.acquire(true);
      if (!slot?.alive) {
        this.#queue.putBack(first);
        if (!slot) return;
        continue;
      }
      if (!this.#hooks.live(first)) continue;
      const batch = [first];
      for (let room = first.exclusive ? 0 : this.#workers.capacity(slot) - 1; room > 0; room--) {
        // Never queue work behind a busy worker while another one sits idle.
        if (this.#workers.idleOtherThan(slot)) break;
        const next = this.#queue.poll();
        if (!next) break;
        if (next.exclusive) {
          this.#queue.putBack(next);
          break;
        }
        batch.push(next);
      }
      this.#send(slot, batch);
    }
  }

  #send(slot: WorkerSlot, batch: Chunk[]): void {
    try {
      this.#workers.send(slot, batch);
    } catch {
      // Find the chunks that cannot travel; send the others as usual.
      const good: Chunk[] = [];
      for (const chunk of batch) {
        const error = unsendableError(chunk);
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

/** The TypeError for the first argument of `chunk` that cannot be cloned, or null. */
function unsendableError(chunk: Chunk): TypeError | null {
  for (let i = 0; i < chunk.items.length; i++) {
    const item = chunk.items[i];
    const args = chunk.star ? (item as unknown[]) : [item];
    for (let position = 0; position < args.length; position++) {
      const failure = cloneFailure(args[position]);
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
