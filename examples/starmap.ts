/**
 * Seed 004: `starmap` spreads each tuple as the arguments, so
 * `[(2i, 2i + 1) for i in range(16)]` gives `[1, 5, 9, ..., 61]`.
 */
import { Pool } from 'multipool';

function testFunc(a: number, b: number): number {
  const result = a + b;
  console.log(`${process.pid}: ${result}`);
  return result;
}

const testData = Array.from({ length: 16 }, (_, i): [number, number] => [2 * i, 2 * i + 1]);
await using pool = new Pool(4);
pool.on('workerStart', ({ id, pid }) => console.log(`worker ${id} is process ${pid}`));
const results = await pool.starmap(testFunc, testData);
console.log(`${process.pid}: ${JSON.stringify(results)}`);
