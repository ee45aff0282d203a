/**
 * Seed 000 (`multi_yield`, "如何优雅地实现Python通用多线程/进程并行模块"): a
 * parallel generator that reads like a serial loop. `xprint` sleeps (a mock of
 * a long task), then yields `x * x`; three workers share an infinite source;
 * the loop breaks after 10 items, and that `break` alone stops the workers and
 * releases them, with no stop flag to manage.
 *
 * Run it as `tsx examples/multi-yield.ts [process|thread|async]` (default `process`).
 */
import type { MultiYieldMode } from 'multipool';
import { multiYield } from 'multipool';

const MODES: readonly MultiYieldMode[] = ['process', 'thread', 'async'];
const mode = (process.argv[2] ?? 'process') as MultiYieldMode;
if (!MODES.includes(mode)) throw new TypeError(`usage: multi-yield.ts [${MODES.join('|')}], got ${JSON.stringify(mode)}`);

/**
 * The seed's `xprint`: a generator of results for one seed. It travels to the
 * workers as source, so it only uses its parameter and globals.
 */
async function* xprint(x: number): AsyncGenerator<number> {
  await new Promise((resolve) => setTimeout(resolve, 50)); // mock a long task
  yield x * x;
}

/** The seed's `xrange(...)`, but never ending: back-pressure keeps it lazy. */
function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}

let i = 0;
for await (const item of multiYield(xprint, naturals(), { mode, workers: 3 })) {
  i += 1;
  console.log(item);
  if (i >= 10) break;
}
console.log(`done: ${i} items from 3 ${mode} workers`);
