/**
 * The window on its own: how many more chunks a worker may take given what it holds. Tiny chunks may queue
 * several deep, but not once those held carry thousands of items: their transfer, not their run, is then the
 * cost, and the other workers should get them.
 */
import { ChunkCosts } from '../../dist/engine/chunk-costs.js';
import { SlotLoad } from '../../dist/engine/slot-load.js';
import { POOL_MAX_WINDOW, windowRoom } from '../../dist/engine/window.js';
import type { Chunk } from '../../dist/runtime/backend.js';

const square = (x: number): number => x * x;

function chunkOf(index: number, size: number): Chunk {
  return { job: 1, index, fn: square, items: Array.from({ length: size }, (_, i) => i), star: false, perItem: false };
}

/** Costs that know `square` as tiny: 0.05 ms for a chunk of `size` items. */
function tinyCosts(size: number): ChunkCosts {
  const costs = new ChunkCosts();
  costs.observe(chunkOf(0, size), 0.05);
  return costs;
}

function held(costs: ChunkCosts, chunks: readonly Chunk[]): SlotLoad {
  const load = new SlotLoad();
  for (const chunk of chunks) load.add(chunk, costs);
  return load;
}

test('a worker holding two tiny chunks of many items takes no more, however tiny they are', () => {
  const costs = tinyCosts(12_500);
  const chunks = [chunkOf(0, 12_500), chunkOf(1, 12_500)];
  expect(costs.isTiny(chunks[0] as Chunk)).toBe(true);
  expect(windowRoom(2, held(costs, chunks), null, costs, POOL_MAX_WINDOW)).toBe(0);
});

test('a worker holding one tiny chunk of many items may still take another, so it never waits for a round trip', () => {
  const costs = tinyCosts(12_500);
  const load = held(costs, [chunkOf(0, 12_500)]);
  expect(windowRoom(1, load, null, costs, POOL_MAX_WINDOW)).toBeGreaterThan(0);
  // ... and once that one is in the batch, nothing more.
  expect(windowRoom(1, load, held(costs, [chunkOf(1, 12_500)]), costs, POOL_MAX_WINDOW)).toBe(0);
});

test('tiny chunks of few items still queue many deep', () => {
  const costs = tinyCosts(1);
  const chunks = Array.from({ length: 8 }, (_, i) => chunkOf(i, 1));
  expect(windowRoom(8, held(costs, chunks), null, costs, POOL_MAX_WINDOW)).toBe(POOL_MAX_WINDOW - 8);
});

test('the items of the batch being built count with those held', () => {
  const costs = tinyCosts(3_000);
  const load = held(costs, [chunkOf(0, 3_000)]);
  const batch = held(costs, [chunkOf(1, 3_000)]);
  expect(windowRoom(1, load, batch, costs, POOL_MAX_WINDOW)).toBe(0);
  expect(windowRoom(1, load, null, costs, POOL_MAX_WINDOW)).toBeGreaterThan(0);
});
