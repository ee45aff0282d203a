/** A dead child process's last output, passed on before its exit is reported (see `outputDrained`). */
import type { ChildProcess } from 'node:child_process';

import type { TinypoolWorker } from 'tinypool';

/**
 * How long a dead child's last output may take to reach us before its exit is reported anyway, so that what
 * a child printed last comes before what its parent does about its end. The bound is for a grandchild that
 * inherited the pipes and keeps them open: its parent's exit must not wait for it.
 */
const OUTPUT_DRAIN_MS = 200;

/**
 * Passes a dead child's remaining output on; resolves once its stdout and stderr have closed (everything
 * passed on), or after OUTPUT_DRAIN_MS. tinypool pipes both into ours and unpipes them as soon as it handles
 * the exit, which pauses them with the last lines (a target's final prints, a crash report) still unread, so
 * at exit (before tinypool's unpipe, which waits for a microtask) we take them over until they end. tinypool
 * keeps the child in its worker's `process` field.
 */
export function outputDrained(worker: TinypoolWorker): Promise<void> {
  const child = (worker as unknown as { process?: ChildProcess }).process;
  for (const [from, to] of [
    [child?.stdout, process.stdout],
    [child?.stderr, process.stderr],
  ] as const) {
    if (!from) continue;
    from.unpipe(to);
    from.on('data', (data: Buffer) => to.write(data));
    from.resume();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, OUTPUT_DRAIN_MS);
    worker.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
