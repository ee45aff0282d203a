/**
 * Seed 001 ("Python one-line 实现多进程和多线程"): hash every file under a
 * directory tree serially, with a process `Pool` and with a `ThreadPool` (the
 * seed's `multiprocessing.dummy`), print the timings, and check that the three
 * lists of digests agree. As in the seed, a second round adds CPU-bound work
 * to every file (its `reduce(lambda x, y: x * y, range(1, 300))`, repeated):
 * hashing small files alone is too little work to pay for the workers, the
 * CPU-bound round is where the pools can win.
 *
 * The task needs `node:crypto` and `node:fs`, so it cannot travel inline as
 * source: the pools get it as a module task, `task(import.meta.url, hashFile)`,
 * and the workers import this file. That is why the main program is guarded
 * with `if (isMain(import.meta))`, the analog of `if __name__ == '__main__':`.
 *
 * Run it: node --import tsx examples/file-hashing.ts [directory]   (default: this repository's lib/)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isMain, Pool, task, ThreadPool } from 'multipool';

/** How many times the CPU-bound round computes 299! per file. */
const FACTORIAL_ROUNDS = 100;

/** The md5 of one file's bytes. */
export function hashFile(path: string): string {
  return createHash('md5').update(readFileSync(path)).digest('hex');
}

/** `hashFile` plus the seed's CPU-bound extra: 299! (as a BigInt), FACTORIAL_ROUNDS times. */
export function hashFileWithWork(path: string): string {
  for (let round = 0; round < FACTORIAL_ROUNDS; round++) factorial(299n);
  return hashFile(path);
}

/** A module-level helper: module tasks may use them, inline functions may not. */
function factorial(n: bigint): bigint {
  let product = 1n;
  for (let k = 2n; k <= n; k++) product *= k;
  return product;
}

/** Every file under `dir`, depth first, in a stable order (the seed's `traverse_dir`). */
function* traverse(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* traverse(path);
    else if (entry.isFile()) yield path;
  }
}

function seconds(start: bigint): string {
  return `${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(3)} s`;
}

// Workers import this module to find hashFile(); only the main program runs what follows.
if (isMain(import.meta)) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL('../lib', import.meta.url)));
  const files = [...traverse(root)];
  const workers = availableParallelism();
  console.log(`${files.length} files under ${root} (${workers} workers per pool)`);
  console.log(`CPU work: 299! computed ${FACTORIAL_ROUNDS} times per file`);

  // The same two functions, as module tasks: a worker imports this file to find them.
  const local = [hashFile, hashFileWithWork] as const;
  const remote = [task(import.meta.url, hashFile), task(import.meta.url, hashFileWithWork)] as const;

  /** Runs both rounds (`map(0)`, `map(1)`) and prints one line of timings; returns both digest lists. */
  async function run(label: string, map: (round: 0 | 1) => string[] | Promise<string[]>): Promise<string[][]> {
    const lists: string[][] = [];
    const times: string[] = [];
    for (const round of [0, 1] as const) {
      const start = process.hrtime.bigint();
      lists.push(await map(round));
      times.push(seconds(start));
    }
    console.log(`${label.padEnd(11)} hash only: ${times[0] ?? ''}   with CPU work: ${times[1] ?? ''}`);
    return lists;
  }

  const lists = await run('serial', (round) => files.map(local[round]));
  for (const PoolClass of [Pool, ThreadPool]) {
    await using pool = new PoolClass(workers);
    // An untimed first pass starts the workers, and they import this module.
    await pool.map(remote[0], files);
    lists.push(...(await run(PoolClass.name, (round) => pool.map(remote[round], files))));
  }

  // Both rounds of all three runners must give the same list, in the same order.
  const serial = lists[0] ?? [];
  const mismatch = lists.findIndex((list) => list.join() !== serial.join());
  if (mismatch !== -1) throw new Error(`digest list ${mismatch} differs from the serial one`);
  // One digest for the whole listing (`md5sum`-style lines), so two runs are easy to compare.
  const listing = files.map((file, i) => `${serial[i] ?? ''}  ${relative(root, file)}\n`).join('');
  console.log(`all three digest lists agree: ${files.length} files, listing md5 ${createHash('md5').update(listing).digest('hex')}`);
}
