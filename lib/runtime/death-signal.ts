/**
 * A parent-death signal for child processes, where the platform offers one. On Linux, util-linux's `setpriv
 * --pdeathsig SIGKILL` started as the program of a fork, with node's command line after it, asks the kernel
 * (PR_SET_PDEATHSIG) to kill the child the moment the thread that forked it ends, and then becomes node (same
 * pid, same IPC channel, same environment). The child then needs no watchdog thread of its own, whose boot
 * costs some 20 ms of CPU at every start (worker/parent-watch.ts); without `setpriv`, it starts one.
 */
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

import { KERNEL_WATCH_ENV } from './worker/parent-watch.js';

/** What a child process is started with: node's flags and the child's environment. */
export interface ChildLaunch {
  readonly execArgv: string[];
  readonly env: Record<string, string>;
}

/** The `setpriv` to start children through, found on the first fork: null where there is none. */
let wrapper: string | null | undefined;

/**
 * Calls `fork`, which must fork synchronously, with a launch that starts the children it forks now under a
 * parent-death signal where the platform offers one. `fork` may keep `launch` and fork from it later (tinypool
 * does, for the replacement it starts when a worker dies): once `fork` returns, `launch` holds plain node's
 * flags and environment again, so such a child is an ordinary one, with a watchdog thread.
 */
export function forkWithDeathSignal<T>(execArgv: readonly string[], env: Record<string, string>, fork: (launch: ChildLaunch) => T): T {
  const launch: ChildLaunch = { execArgv: [...execArgv], env: { ...env } };
  // Only this function may promise a child the kernel's watch, never an inherited environment.
  Reflect.deleteProperty(launch.env, KERNEL_WATCH_ENV);
  wrapper ??= findSetpriv();
  if (wrapper === null) return fork(launch);
  const node = process.execPath;
  const wrapperArgs = ['--pdeathsig', 'SIGKILL', node];
  launch.execArgv.unshift(...wrapperArgs);
  launch.env[KERNEL_WATCH_ENV] = '1';
  // child_process.fork() runs `process.execPath` and tinypool passes fork no program of its own: the swap lasts
  // only while `fork` runs, and nothing else runs meanwhile.
  process.execPath = wrapper;
  try {
    return fork(launch);
  } finally {
    process.execPath = node;
    launch.execArgv.splice(0, wrapperArgs.length);
    Reflect.deleteProperty(launch.env, KERNEL_WATCH_ENV);
  }
}

/**
 * node's own flags for a child, as child_process.fork() would pass them: without the `-e`/`-p` code a
 * `node -e` parent was started with, which the child would otherwise run instead of its entry module.
 */
export function childNodeFlags(): string[] {
  const flags = [...process.execArgv];
  const evaluated = (process as { _eval?: string })._eval;
  const at = evaluated === undefined ? -1 : flags.lastIndexOf(evaluated);
  if (at > 0) flags.splice(at - 1, 2);
  return flags;
}

function findSetpriv(): string | null {
  // The kernel signals the child when the forking *thread* ends: a worker thread's children would be killed
  // with it, where the watchdog, which watches the process, lets them finish the task they run.
  if (process.platform !== 'linux' || !isMainThread) return null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      // util-linux added --pdeathsig in 2.33; an older setpriv refuses it, and no child would start. Its table
      // of long options names every option it takes, so the binary itself says whether it has this one.
      const path = join(dir, 'setpriv');
      if (readFileSync(path).includes('pdeathsig')) return path;
    } catch {
      // Not in this directory, or not readable.
    }
  }
  return null;
}
