/**
 * Seed 001: `apply_async` results come back as each task finishes, `map`
 * returns everything at once, in input order. Both pools are closed and
 * joined, as in the Python original.
 */
import { Pool } from 'multipool';

/** The seed's `cal(f)`: some CPU work, then "the product of f is 2**f". */
function cal(f: number): string {
  console.log(`${f} appears`);
  let product = 1n;
  for (let round = 0; round < f; round++) {
    product = 1n;
    for (let k = 1n; k < 2000n; k++) product *= k;
  }
  if (f > 0 && product % 1999n !== 0n) throw new Error('1999! must be a multiple of 1999');
  return `the product for ${f} is ${2 ** f}`;
}

let pool = new Pool(4);
let started = Date.now();
const pending = Array.from({ length: 9 }, (_, i) => pool.applyAsync(cal, [i + 1]));
for (const result of pending) console.log(await result.get());
console.log(`applyAsync took ${((Date.now() - started) / 1000).toFixed(2)} s`);
pool.close();
await pool.join();

pool = new Pool(4);
started = Date.now();
for (const line of await pool.map(cal, Array.from({ length: 9 }, (_, i) => i + 1))) console.log(line);
console.log(`map took ${((Date.now() - started) / 1000).toFixed(2)} s`);
pool.close();
await pool.join();
