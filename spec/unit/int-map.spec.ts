/**
 * IntMap, the engine's map for per-task bookkeeping by integer key: it must behave as the Map it replaced
 * for every use the engine makes of one (see lib/internal/int-map.ts for why it is not a Map).
 */
import { IntMap } from '../../dist/internal/int-map.js';

describe('IntMap', () => {
  it('sets, gets, tells and deletes entries, counting them', () => {
    const map = new IntMap<string>();
    expect(map.set(3, 'c').set(1, 'a')).toBe(map);
    expect(map.size).toBe(2);
    expect(map.get(3)).toBe('c');
    expect(map.has(1)).toBe(true);
    expect(map.has(2)).toBe(false);
    expect(map.get(2)).toBeUndefined();
    map.set(3, 'C');
    expect(map.size).toBe(2);
    expect(map.get(3)).toBe('C');
    expect(map.delete(3)).toBe(true);
    expect(map.delete(3)).toBe(false);
    expect(map.size).toBe(1);
    expect(map.has(3)).toBe(false);
  });

  it('keeps an entry whose value is undefined (a task may throw undefined)', () => {
    const map = new IntMap<unknown>();
    map.set(7, undefined);
    expect(map.has(7)).toBe(true);
    expect(map.size).toBe(1);
    expect(map.delete(7)).toBe(true);
    expect(map.size).toBe(0);
  });

  it('lists values in ascending key order, as a copy', () => {
    const map = new IntMap<number>();
    for (const key of [5, 1, 1000000, 42]) map.set(key, key * 10);
    const values = map.values();
    expect(values).toEqual([10, 50, 420, 10000000]);
    map.delete(1);
    expect(values).toEqual([10, 50, 420, 10000000]);
    expect(map.values()).toEqual([50, 420, 10000000]);
  });

  it('empties on clear and is usable afterwards', () => {
    const map = new IntMap<string>();
    for (let key = 0; key < 100; key++) map.set(key, String(key));
    map.clear();
    expect(map.size).toBe(0);
    expect(map.values()).toEqual([]);
    map.set(0, 'again');
    expect(map.get(0)).toBe('again');
    expect(map.size).toBe(1);
  });

  it('follows a long run of keys set and deleted one after another, as job ids are', () => {
    const map = new IntMap<number>();
    for (let id = 1; id <= 100000; id++) {
      map.set(id, id);
      if (id > 8) expect(map.delete(id - 8)).toBe(true);
    }
    expect(map.size).toBe(8);
    expect(map.values()).toEqual([99993, 99994, 99995, 99996, 99997, 99998, 99999, 100000]);
  });
});
