/**
 * Opening a Redis connection with a deadline: ioredis retries forever by default, so a wrong address
 * would leave every task waiting. Here a connection that is not ready in time fails with a message that
 * says where it tried and what the last error was.
 */
import type { Redis } from 'ioredis';

import type { ClusterModules } from './modules.js';
import type { ResolvedClusterOptions } from './options.js';
import { safeUrl } from './options.js';

/**
 * How long ioredis waits between reconnection attempts (ms): short, as the deadline, not the retries,
 * bounds how long a caller waits.
 */
const RECONNECT_DELAY_MS = 200;

/**
 * A connection to the cluster's Redis (ioredis from `modules`, loaded on first use); BullMQ's blocking
 * commands need `maxRetriesPerRequest: null`.
 */
export function redisClient(modules: ClusterModules, options: ResolvedClusterOptions): Redis {
  const client = new modules.ioredis.Redis(options.url, {
    connectTimeout: options.connectTimeout * 1000,
    retryStrategy: () => RECONNECT_DELAY_MS,
    ...options.redis,
    maxRetriesPerRequest: null,
  });
  // An 'error' event nobody listens for is printed by ioredis; the deadline below reports it instead.
  client.on('error', () => {});
  return client;
}

/**
 * Resolves once `client` is ready; rejects after `connectTimeout` seconds with an Error naming the URL
 * and the last connection error, and disconnects the client.
 */
export function whenReady(client: Redis, options: ResolvedClusterOptions): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    const done = (): void => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('ready', onReady);
      client.off('end', onEnd);
    };
    const onReady = (): void => {
      done();
      resolve();
    };
    // Closed by its owner while connecting: nothing to wait for anymore.
    const onEnd = (): void => {
      done();
      reject(new Error(`The connection to ${safeUrl(options.url)} was closed before it was ready`));
    };
    const timer = setTimeout(() => {
      done();
      client.disconnect();
      const reason = lastError ? `: ${lastError.message}` : '';
      reject(
        new Error(
          `Cannot reach Redis at ${safeUrl(options.url)} within ${options.connectTimeout} s${reason}. ` +
            'Check that redis-server runs there, and the URL, password and TLS options (raise `connectTimeout` for a slow start).',
        ),
      );
    }, options.connectTimeout * 1000);
    client.on('error', onError);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/** The Redis server's clock as a stream id: events after it are the ones this client must see. */
export async function serverStreamId(client: Redis): Promise<string> {
  const [seconds, micros] = await client.time();
  // One millisecond back: an event in the same millisecond as the clock reading must not be skipped.
  return `${Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0`;
}

/** The pub/sub channel on which clients ask hosts to stop a running chunk. */
export function cancelChannel(options: Pick<ResolvedClusterOptions, 'prefix' | 'queue'>): string {
  return `${options.prefix}:${options.queue}:multipool:cancel`;
}
