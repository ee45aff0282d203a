/**
 * How a child process ends when its parent dies. Closing the IPC channel ends an idle child ('disconnect'),
 * but that event cannot fire while a task keeps the event loop busy (a CPU-bound loop), so something outside
 * the main thread has to notice the parent's death too: the kernel, when the parent started this child with
 * a parent-death signal (runtime/death-signal.ts), or else a watchdog thread.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';

/** Set in a child's environment by a parent that started it with a parent-death signal. */
export const KERNEL_WATCH_ENV = 'MULTIPOOL_KERNEL_WATCH';

/** How often the watchdog thread checks that the parent is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Makes sure a child process dies with its parent: nothing to do when the kernel does it, else a watchdog
 * thread. Resolves once the watchdog runs. The flag leaves the environment, so that this child's own children
 * do not inherit a promise made for it.
 */
export function watchParentUnlessKernel(): Promise<void> | null {
  const kernel = process.env[KERNEL_WATCH_ENV] === '1';
  Reflect.deleteProperty(process.env, KERNEL_WATCH_ENV);
  return kernel ? null : watchParent();
}

/**
 * Starts a small thread that watches for the parent: once this process is reparented, the parent is gone and
 * the whole process ends, task or not. Resolves once the thread runs (or could not start: the channel's
 * 'disconnect' still ends an orphan that is not busy).
 */
function watchParent(): Promise<void> {
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL'); }, ${PARENT_CHECK_MS});`,
    { eval: true, workerData: { parent: process.ppid }, env: SHARE_ENV, stdout: false, stderr: false },
  );
  // The watchdog never keeps the worker alive by itself.
  watchdog.unref();
  return new Promise((resolve) => {
    watchdog.once('online', resolve);
    watchdog.once('error', () => resolve());
    watchdog.once('exit', () => resolve());
  });
}
