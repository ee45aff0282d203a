// Runs after `tsc` (npm's postbuild): writes the worker side, dist/runtime/worker/worker-entry.js and every
// module it imports, as one module, dist/runtime/worker/worker-bundle.js, which tinypool then loads in every
// new worker. Each module a worker loads costs it about half a millisecond at start-up (resolved, read and
// linked one by one), and the entry imports some twenty.
//
// Two modules stay outside, loaded from dist as they would be by a task that imports multipool in the worker,
// so that the worker and its tasks share them: handles.js holds the registry that the kinds of shared state
// fill as their modules load, and errors.js the error classes. The modules whose state must be one per thread
// (identity, worker state, children, move marks) keep it on globalThis, so a second copy in the bundle agrees.
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const entry = resolve(dist, 'runtime/worker/worker-entry.js');
const outfile = resolve(dist, 'runtime/worker/worker-bundle.js');
const shared = new Set([resolve(dist, 'runtime/handles.js'), resolve(dist, 'errors.js')]);

/** Leaves the shared modules as imports, written relative to the bundle. */
const keepShared = {
  name: 'keep-shared',
  setup(on) {
    on.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!shared.has(path)) return undefined;
      const fromBundle = relative(dirname(outfile), path).split('\\').join('/');
      return { path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`, external: true };
    });
  },
};

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Maps back to lib/ through tsc's own maps, so a stack trace under --enable-source-maps names the source.
  sourcemap: 'linked',
  plugins: [keepShared],
  logLevel: 'warning',
});
