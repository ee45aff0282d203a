/** The `cluster` option of a Pool and the options of a ClusterExecutor: where the queue is and how to reach it. */
import type { RedisOptions } from 'ioredis';

import { describe, validateKeys, validatePlainObject, validateTimeout } from '../../internal/validate.js';

/** Where a cluster's queue lives and how to reach its Redis. */
export interface ClusterOptions {
  /** The Redis server, as `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). */
  url: string;
  /** The BullMQ queue the worker hosts read (`--queue`). */
  queue: string;
  /** Seconds to wait for Redis before every outstanding task rejects; default 10. */
  connectTimeout?: number | undefined;
  /** BullMQ's key prefix (default `'bull'`); hosts must use the same (`--prefix`). */
  prefix?: string | undefined;
  /** Passed to ioredis as is, over what the URL says: `password`, `username`, `tls`, `db`, … */
  redis?: RedisOptions | undefined;
}

/** {@link ClusterOptions} with its defaults, validated. */
export interface ResolvedClusterOptions {
  readonly url: string;
  readonly queue: string;
  /** Seconds. */
  readonly connectTimeout: number;
  readonly prefix: string;
  readonly redis: RedisOptions;
}

/** The keys of `ClusterOptions`; any other is a TypeError. */
export const CLUSTER_OPTION_KEYS = ['url', 'queue', 'connectTimeout', 'prefix', 'redis'] as const satisfies readonly (keyof ClusterOptions)[];

/** Seconds a client or host waits for Redis before it gives up: long enough for a server that is starting. */
export const DEFAULT_CONNECT_TIMEOUT = 10;

/** BullMQ's own default key prefix, so plain BullMQ tools see the same queue. */
export const DEFAULT_PREFIX = 'bull';

/**
 * The cluster options, validated.
 *
 * @throws TypeError when `options` is not an object, a key is unknown, or `url`/`queue` is not a usable string.
 * @throws RangeError when `connectTimeout` is negative.
 */
export function resolveClusterOptions(options: unknown, name = 'cluster'): ResolvedClusterOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`Expected \`${name}\` to be an object such as { url: 'redis://127.0.0.1:6379', queue: 'jobs' }, got ${describe(options)}`);
  }
  validateKeys(options, `${name} options`, CLUSTER_OPTION_KEYS);
  const input = options as Partial<Record<keyof ClusterOptions, unknown>>;
  const url = input.url;
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw new TypeError(`Expected \`${name}.url\` to be a Redis URL such as 'redis://127.0.0.1:6379', got ${describe(url)}`);
  }
  validateName(input.queue, `${name}.queue`);
  if (input.prefix !== undefined) validateName(input.prefix, `${name}.prefix`);
  validateTimeout(input.connectTimeout, `${name}.connectTimeout`);
  validatePlainObject(input.redis, `${name}.redis`);
  return {
    url,
    queue: input.queue,
    connectTimeout: input.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    prefix: input.prefix ?? DEFAULT_PREFIX,
    redis: (input.redis ?? {}),
  };
}

/** A queue name or key prefix: BullMQ separates its keys with `:`, so a name must not hold one. */
function validateName(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '' || value.includes(':')) {
    throw new TypeError(`Expected \`${name}\` to be a non-empty string without ':', got ${describe(value)}`);
  }
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
