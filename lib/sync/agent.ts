/**
 * Who is who. A lock records its holder as an agent number: a thread of the
 * owner's process is its threadId + 1 (so 0 means "nobody"); a caller from
 * another process is numbered by the owner's broker, from REMOTE_AGENTS up,
 * one number per connection.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Agent numbers the broker hands to other processes' connections start here, above any threadId + 1. */
export const REMOTE_AGENTS = 1 << 24;

/** This thread's agent number in its own process. */
export const LOCAL_AGENT = threadId + 1;

/**
 * A fresh address for this thread's broker: a Linux abstract socket (no file to clean up, gone with the
 * process), elsewhere a socket file in the temporary directory.
 */
export function brokerAddress(): string {
  const name = `multipool-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}`;
  return process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
}
