/**
 * The job queue of the task handler: task sources in submission order. The
 * first source with a ready chunk wins, so a lazy `imap` waiting on its input
 * never blocks the jobs submitted after it.
 */
import { Wakeup } from '../internal/wakeup.js';
import type { Chunk } from '../runtime/backend.js';
import type { TaskSource } from './job.js';

export class TaskQueue {
  #sources: TaskSource[] = [];
  #head = 0;
  readonly #returned: Chunk[] = [];
  readonly #wakeup = new Wakeup();
  #closed = false;

  get size(): number {
    return this.#sources.length - this.#head + this.#returned.length;
  }

  push(source: TaskSource): void {
    this.#sources.push(source);
    this.wake();
  }

  /**
   * Gives back a chunk that was taken but not sent: its worker died first, or it is not tiny and must wait
   * for an idle worker. It comes out before any source's chunk.
   */
  putBack(chunk: Chunk): void {
    this.#returned.push(chunk);
    this.wake();
  }

  /** No more sources will come; `take` returns null once the queue is empty. */
  close(): void {
    this.#closed = true;
    this.wake();
  }

  /** Drops every source and returned chunk (the pool is terminating or broken). */
  clear(): void {
    this.#sources = [];
    this.#head = 0;
    this.#returned.length = 0;
    this.wake();
  }

  wake(): void {
    this.#wakeup.wake();
  }

  /**
   * How many workers the queued work could keep busy, counted up to `limit`: a source's `wants` (a single
   * call wants one), or `limit` for a source of many chunks, and one for each chunk given back.
   */
  demand(limit: number): number {
    let wanted = this.#returned.length;
    for (let i = this.#head; i < this.#sources.length && wanted < limit; i++) {
      const source = this.#sources[i] as TaskSource;
      if (!source.exhausted) wanted += source.wants ?? limit;
    }
    return Math.min(wanted, limit);
  }

  /** The next ready chunk without waiting, or undefined. */
  poll(): Chunk | undefined {
    const returned = this.#returned.pop();
    if (returned) return returned;
    this.#compact();
    for (let i = this.#head; i < this.#sources.length; ) {
      const source = this.#sources[i] as TaskSource;
      const chunk = source.poll();
      if (chunk) return chunk;
      if (!source.exhausted) {
        i++;
      } else if (i === this.#head) {
        this.#sources[this.#head++] = undefined as unknown as TaskSource;
        i++;
      } else {
        this.#sources.splice(i, 1);
      }
    }
    return undefined;
  }

  /** The next ready chunk; waits for one. Null when closed and drained. */
  async take(): Promise<Chunk | null> {
    for (;;) {
      const chunk = this.poll();
      if (chunk) return chunk;
      if (this.#closed && this.size === 0) return null;
      await this.#wakeup.wait();
    }
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#sources.length) {
      this.#sources = this.#sources.slice(this.#head);
      this.#head = 0;
    }
  }
}
