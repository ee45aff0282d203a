/**
 * The module tinypool loads in every worker. Its one task is a bootstrap: it
 * opens multipool's own channel (the transferred port in a thread, the IPC
 * channel in a child process), starts the long-lived worker loop, and returns
 * at once, so tinypool's per-task machinery is never on the hot path.
 */
import type { MessagePort } from 'node:worker_threads';
import { isMainThread } from 'node:worker_threads';

import { setIdentity } from '../../internal/identity.js';
import { markWorker } from '../../internal/state.js';
import { reviveHandles } from '../handles.js';
import { registerLoaders } from '../loaders.js';
import type { FromWorker, ToWorker, WorkerInit } from '../protocol.js';
import { restoreBuffers } from '../values.js';
import { watchParentUnlessKernel } from './parent-watch.js';
import type { WorkerChannel } from './worker-loop.js';
import { WorkerLoop } from './worker-loop.js';

markWorker();

export interface BootstrapTask {
  readonly port?: MessagePort;
  /** A thread's claim words (see claims.ts), shared with the engine. */
  readonly claims?: Int32Array | undefined;
  readonly init: WorkerInit;
}

/**
 * A child process's watchdog, when the kernel does not watch its parent for it (see parent-watch.ts), started
 * as this module loads. Booting its thread costs some 20 ms of CPU: started here, that overlaps the rest of the
 * worker's start-up, and the bootstrap waits for it, so a worker counts as started only once it is, and the
 * boot never competes with its first chunks.
 */
const watching = isMainThread && process.send !== undefined ? watchParentUnlessKernel() : null;

export default async function bootstrap(task: BootstrapTask): Promise<true> {
  if (task.init.identity) setIdentity(task.init.identity);
  await registerLoaders(task.init.loaders);
  restoreBuffers(task.init.buffers);
  if (task.init.handles) await reviveHandles(task.init.initargs);
  new WorkerLoop(task.port ? portChannel(task.port, task.claims) : processChannel(), task.init);
  await watching;
  return true;
}

function portChannel(port: MessagePort, claims: Int32Array | undefined): WorkerChannel {
  return {
    crossing: 'clone',
    ...(claims ? { claims } : {}),
    send: (message: FromWorker, moved) => port.postMessage(message, moved ?? undefined),
    onMessage: (listener) => port.on('message', listener),
  };
}

function processChannel(): WorkerChannel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('multipool worker: started as a child process without an IPC channel');
  // The parent is gone (even by SIGKILL) once the channel closes: no orphans.
  process.once('disconnect', () => process.exit(0));
  return {
    crossing: 'v8',
    send: (message: FromWorker) => void send(message),
    onMessage: (listener) =>
      process.on('message', (message: unknown) => {
        // tinypool shares this channel and tags its own messages.
        if ((message as { __tinypool_worker_message__?: boolean } | null)?.__tinypool_worker_message__) return;
        listener(message as ToWorker);
      }),
  };
}
