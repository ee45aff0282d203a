/**
 * How a child process ends when its parent dies. Closing the IPC channel ends an idle child ('disconnect'),
 * but that event cannot fire while a task keeps the event loop busy (a CPU-bound loop), so something outside
 * the main thread has to notice the parent's death too.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';

/** How often the watchdog thread checks that the parent is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Starts a small thread that watches for the parent: once this process is reparented, the parent is gone and
 * the whole process ends, task or not. Resolves once the thread runs (or could not start: the channel's
 * 'disconnect' still ends an orphan that is not busy).
 */
export function watchParent(): Promise<void> {
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
