/**
 * A queue's items in shared memory, for the owner and the threads of its
 * process: packed items laid end to end in a circular byte area, guarded by
 * a lock word that holds its holder's agent number (the owner releases it if
 * that thread dies). Beside the ring, words count what the owner keeps in
 * plain lists (items given back ahead of the ring, items that did not fit
 * behind it, items leased to other processes), so every party sees the
 * queue's size and whether it must ask the owner to keep FIFO order.
 *
 * Waiting follows words.ts: event counters ADDED and ROOM rise with each
 * item that arrives or leaves; a waiter reads the counter before it looks
 * and is counted in a waiters word, and a change notifies only when someone
 * waits.
 */
import { InvalidStateError } from '../errors.js';
import type { Packed } from './pack.js';
import { SHUT_DOWN } from './served.js';
import { CLOSED, closeWords, waitChange, waitCounted } from './words.js';

const LOCK = 1;
const LOCK_WAITERS = 2;
const HEAD = 3;
const TAIL = 4;
const USED = 5;
const COUNT = 6;
/** Event counter: an item arrived (in the ring or with the owner). */
export const ADDED = 7;
/** Event counter: an item left the queue, or the ring has room again. */
export const ROOM = 8;
const WAITERS_OF: Readonly<Record<number, number>> = { [ADDED]: 9, [ROOM]: 10 };
const AHEAD = 11;
const BEHIND = 12;
const LEASED = 13;
export const UNFINISHED = 14;
const HEADER_WORDS = 16;
const HEADER_BYTES = HEADER_WORDS * Int32Array.BYTES_PER_ELEMENT;

/**
 * The ring's bytes. A small item takes 8 to 16 of them, so this holds thousands (a producer runs that far
 * ahead without asking the owner); items larger than the ring, and puts while it is full, go through the
 * owner. Every queue pays for them in resident memory (the buffer comes zeroed): 256 KiB cost 140 KB per
 * queue and passed items between two threads no faster than this in alternating runs.
 */
export const RING_BYTES = 64 * 1024;

/** An entry's header: the item's length, and this bit when it holds primitives to revive. */
const SHARED_BIT = 0x4000_0000;
const ENTRY_HEADER = 4;

/**
 * How often a contended lock is tried again before waiting: its holder keeps it for the copy of one
 * item, far shorter than a wake-up after Atomics.waitAsync; more spinning would burn a core on a holder
 * that is descheduled.
 */
const SPINS = 200;

/** What an attempt returns when the lock is held by another thread: wait for it, then try again. */
export const BUSY: unique symbol = Symbol('busy');
/** What an attempt returns when it must wait for its event. */
export const WAIT: unique symbol = Symbol('wait');

function entryBytes(length: number): number {
  return ENTRY_HEADER + ((length + 3) & ~3);
}

export function allocRing(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + RING_BYTES);
}

export class QueueRing {
  readonly memory: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #heads: Int32Array;
  readonly #capacity: number;

  constructor(memory: SharedArrayBuffer) {
    this.memory = memory;
    this.#words = new Int32Array(memory, 0, HEADER_WORDS);
    this.#capacity = memory.byteLength - HEADER_BYTES;
    this.#bytes = new Uint8Array(memory, HEADER_BYTES, this.#capacity);
    this.#heads = new Int32Array(memory, HEADER_BYTES, this.#capacity / Int32Array.BYTES_PER_ELEMENT);
  }

  /** Takes the lock for `agent` (checking the queue is open), spinning a little; false when another holds it. */
  lock(agent: number): boolean {
    const words = this.#words;
    this.checkOpen();
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.compareExchange(words, LOCK, 0, agent) === 0) return true;
    }
    return false;
  }

  /** @throws InvalidStateError once the queue is shut down. */
  checkOpen(): void {
    if (Atomics.load(this.#words, CLOSED) !== 0) throw new InvalidStateError(SHUT_DOWN);
  }

  unlock(): void {
    Atomics.store(this.#words, LOCK, 0);
    if (Atomics.load(this.#words, LOCK_WAITERS) !== 0) Atomics.notify(this.#words, LOCK);
  }

  /** Waits until the lock's holder lets go (or is released at its death), or the queue is shut down. */
  async lockReleased(signal?: AbortSignal): Promise<void> {
    const holder = Atomics.load(this.#words, LOCK);
    if (holder === 0) return;
    await waitCounted(this.#words, LOCK_WAITERS, LOCK, holder, null, signal);
  }

  /**
   * `agent` died: a lock it held is free again. It may have died between the stores of a write or a read,
   * so the counts are first rebuilt from the entries between HEAD and TAIL (each stored whole, alone).
   */
  releaseLockOf(agent: number): void {
    const words = this.#words;
    if (Atomics.load(words, LOCK) !== agent) return;
    this.#recount();
    Atomics.store(words, LOCK, 0);
    Atomics.notify(words, LOCK);
  }

  #recount(): void {
    const words = this.#words;
    const tail = Atomics.load(words, TAIL);
    let at = Atomics.load(words, HEAD);
    let count = 0;
    let used = 0;
    while (at !== tail && used < this.#capacity) {
      const size = entryBytes((this.#heads[at >> 2] as number) & ~SHARED_BIT);
      at = (at + size) % this.#capacity;
      used += size;
      count++;
    }
    Atomics.store(words, COUNT, count);
    Atomics.store(words, USED, used);
  }

  /** The counter of `event` now: read before looking, so a change after the look is never missed. */
  seen(event: number): number {
    return Atomics.load(this.#words, event);
  }

  /** Waits for `event` to move past `seen`, until `deadline`; false once the deadline passed. */
  waitFor(event: number, seen: number, deadline: number | null, signal?: AbortSignal): Promise<boolean> {
    return waitCounted(this.#words, WAITERS_OF[event] as number, event, seen, deadline, signal);
  }

  /** Raises `event`, waking its waiters if there are any. */
  signal(event: number): void {
    Atomics.add(this.#words, event, 1);
    if (Atomics.load(this.#words, WAITERS_OF[event] as number) !== 0) Atomics.notify(this.#words, event);
  }

  /** Whether someone waits for an item. */
  get getterWaits(): boolean {
    return Atomics.load(this.#words, WAITERS_OF[ADDED] as number) !== 0;
  }

  /** Items in the queue: in the ring, with the owner, and leased (they leave only when a get takes them). */
  get size(): number {
    const words = this.#words;
    return Atomics.load(words, COUNT) + Atomics.load(words, AHEAD) + Atomics.load(words, BEHIND) + Atomics.load(words, LEASED);
  }

  get count(): number {
    return Atomics.load(this.#words, COUNT);
  }

  /** Items the owner keeps ahead of the ring (given back): a get must ask the owner. */
  get ahead(): number {
    return Atomics.load(this.#words, AHEAD);
  }

  /** Items the owner keeps behind the ring: a put must go there too, to stay behind them. */
  get behind(): number {
    return Atomics.load(this.#words, BEHIND);
  }

  get leased(): number {
    return Atomics.load(this.#words, LEASED);
  }

  /** The owner's lists and leases changed size (the owner only). */
  setHeld(ahead: number, behind: number, leased: number): void {
    Atomics.store(this.#words, AHEAD, ahead);
    Atomics.store(this.#words, BEHIND, behind);
    Atomics.store(this.#words, LEASED, leased);
  }

  /** Whether an item of `length` bytes fits now (with the lock held). Never to the last byte: HEAD = TAIL means empty. */
  fits(length: number): boolean {
    return entryBytes(length) < this.#capacity - Atomics.load(this.#words, USED);
  }

  /**
   * Appends `item` (with the lock held; it fits). TAIL is what makes it part of the ring: a thread stopped
   * before that store leaves no trace, one stopped after it a whole entry (see releaseLockOf()).
   */
  write(item: Packed): void {
    const words = this.#words;
    const length = item.bytes.length;
    const tail = Atomics.load(words, TAIL);
    this.#heads[tail >> 2] = length | (item.shared ? SHARED_BIT : 0);
    this.#copyIn(item.bytes, (tail + ENTRY_HEADER) % this.#capacity);
    const size = entryBytes(length);
    Atomics.store(words, TAIL, (tail + size) % this.#capacity);
    Atomics.add(words, USED, size);
    Atomics.add(words, COUNT, 1);
  }

  /** Removes and returns the item at the front (with the lock held; the ring is not empty). */
  read(): Packed {
    const words = this.#words;
    const head = Atomics.load(words, HEAD);
    const header = this.#heads[head >> 2] as number;
    const length = header & ~SHARED_BIT;
    const bytes = this.#copyOut((head + ENTRY_HEADER) % this.#capacity, length);
    const size = entryBytes(length);
    Atomics.store(words, HEAD, (head + size) % this.#capacity);
    Atomics.sub(words, USED, size);
    Atomics.sub(words, COUNT, 1);
    return { bytes, shared: (header & SHARED_BIT) !== 0 };
  }

  #copyIn(bytes: Uint8Array, at: number): void {
    const first = Math.min(bytes.length, this.#capacity - at);
    this.#bytes.set(first === bytes.length ? bytes : bytes.subarray(0, first), at);
    if (first < bytes.length) this.#bytes.set(bytes.subarray(first), 0);
  }

  #copyOut(at: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    const first = Math.min(length, this.#capacity - at);
    out.set(this.#bytes.subarray(at, at + first), 0);
    if (first < length) out.set(this.#bytes.subarray(0, length - first), first);
    return out;
  }

  /** Adds one unfinished item (a JoinableQueue's put). */
  addUnfinished(): void {
    Atomics.add(this.#words, UNFINISHED, 1);
  }

  /** Marks one item done; false when none was unfinished. */
  taskDone(): boolean {
    const words = this.#words;
    for (;;) {
      const left = Atomics.load(words, UNFINISHED);
      if (left <= 0) return false;
      if (Atomics.compareExchange(words, UNFINISHED, left, left - 1) !== left) continue;
      if (left === 1) Atomics.notify(words, UNFINISHED);
      return true;
    }
  }

  /** Resolves once no item is unfinished. */
  async join(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (Atomics.load(this.#words, CLOSED) !== 0) throw new InvalidStateError(SHUT_DOWN);
      const left = Atomics.load(this.#words, UNFINISHED);
      if (left === 0) return;
      await waitChange(this.#words, UNFINISHED, left, null, signal);
    }
  }

  /** Shuts the queue down: every waiter wakes and fails. */
  close(): void {
    closeWords(this.#words, [LOCK, ADDED, ROOM, UNFINISHED]);
  }
}
