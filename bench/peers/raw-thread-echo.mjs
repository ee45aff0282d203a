// The floor for a worker-thread round trip: a bare worker that posts every
// message straight back. No pool, no queue, no protocol.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (message) => parentPort.postMessage(message));
// Listening now: the parent waits for this (the start-up row times up to it, for two such workers).
parentPort.postMessage('ready');
