/**
 * Batches that carry shared primitives as handles: each is taken once its handles are revived (which may
 * import their modules), and every batch that arrives meanwhile waits behind it, so chunks still start in
 * the order they were sent.
 */
import { openBatch } from '../codec.js';
import { reviveHandles } from '../handles.js';
import type { CallTuple, FnDef, ToWorker, WireChunk } from '../protocol.js';
import { isTuple } from '../protocol.js';

type BatchMessage = Extract<ToWorker, { t: 'batch' }>;

/** What a worker loop does with an opened batch. */
export type TakeBatch = (batch: { fns: readonly FnDef[]; chunks: WireChunk[] }) => void;

/** Function ids below this are the stand-ins of failedBatch, never ids the main side hands out. */
let failedIds = -1;

/**
 * `message` with every chunk's function replaced by one that throws `failure` (a handle that could not be
 * revived): each chunk fails through the usual path instead of running with a record where a primitive was.
 */
function failedBatch(message: BatchMessage, failure: unknown): BatchMessage {
  const text = failure instanceof Error ? failure.message : String(failure);
  const def: FnDef = { id: failedIds--, kind: 'source', source: `function revivalFailed() { throw new TypeError(${JSON.stringify(text)}); }` };
  return { ...message, fns: [...message.fns, def], chunks: message.chunks.map((run) => ({ ...run, fn: def.id })) };
}

export class Revival {
  readonly #take: TakeBatch;
  /** The last batch still being revived, or null when none is. */
  #pending: Promise<void> | null = null;

  constructor(take: TakeBatch) {
    this.#take = take;
  }

  /** Hands `message` to the loop now, or after the batches still being revived before it. */
  receive(message: BatchMessage | CallTuple): void {
    if (this.#pending === null && (isTuple(message) || !message.handles)) {
      this.#take(openBatch(message));
      return;
    }
    const revived = !isTuple(message) && message.handles ? reviveHandles(message.chunks).then(() => null, (error: unknown) => ({ error })) : null;
    const before = this.#pending;
    const done = (async () => {
      await before;
      const failure = await revived;
      this.#take(openBatch(failure && !isTuple(message) ? failedBatch(message, failure.error) : message));
    })();
    this.#pending = done;
    // A batch that cannot be opened is a protocol error: it fails loudly (the worker ends, and the engine
    // reports what the worker held), never by quietly holding up the batches behind it.
    void done.finally(() => {
      if (this.#pending === done) this.#pending = null;
    });
  }
}
