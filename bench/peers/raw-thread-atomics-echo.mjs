// The floor for a worker-thread round trip when the worker waits in Atomics.wait instead of its event loop,
// as piscina's workers do: the parent posts on a MessagePort and then sets and notifies a shared word; the
// worker, blocked on that word, wakes, takes the message with receiveMessageOnPort and posts it straight
// back. No pool, no queue, no protocol.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

const { port, word } = workerData;
// Waits in slices, so the thread's own event loop still runs between them.
const SLICE_MS = 50;

function serve() {
  for (;;) {
    const woke = Atomics.wait(word, 0, 0, SLICE_MS);
    Atomics.store(word, 0, 0);
    let got = false;
    for (let entry = receiveMessageOnPort(port); entry; entry = receiveMessageOnPort(port)) {
      got = true;
      port.postMessage(entry.message);
    }
    if (!got && woke === 'timed-out') {
      setImmediate(serve);
      return;
    }
  }
}

port.postMessage('ready');
serve();
