/**
 * A map from integer keys (job ids, input indexes, output positions) for the engine's per-task bookkeeping,
 * where an entry is set and deleted for every task or chunk.
 *
 * Why not a `Map`: v8 reallocates a `Map`'s (or `Set`'s) table as it grows and shrinks, and links each table
 * it replaced to its successor. Once a replaced table has been moved to the old generation, that link keeps
 * every later table, and everything they hold, alive through each young-generation collection, so every
 * task's objects were promoted and freed only by full collections: about 1 KB per `applyAsync` call, the old
 * space of a `ThreadPool` running them growing from 6 to 24 MB within 300 ms. The entries here live in an
 * object's dictionary elements, which keep no such link.
 */
export class IntMap<V> {
  #entries: Record<number, V> = Object.create(null) as Record<number, V>;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(key: number): boolean {
    return key in this.#entries;
  }

  get(key: number): V | undefined {
    return this.#entries[key];
  }

  set(key: number, value: V): this {
    if (!(key in this.#entries)) this.#size++;
    this.#entries[key] = value;
    return this;
  }

  delete(key: number): boolean {
    if (!(key in this.#entries)) return false;
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the dictionary is the point of this class (see above)
    delete this.#entries[key];
    this.#size--;
    return true;
  }

  clear(): void {
    this.#entries = Object.create(null) as Record<number, V>;
    this.#size = 0;
  }

  /** The values in ascending key order. */
  values(): V[] {
    return Object.values(this.#entries);
  }
}
