/**
 * The broker's framing: each message is a 4-byte big-endian length and a v8
 * serialization (what a child process's IPC channel uses), so values arrive
 * as faithfully as task arguments do.
 */
import { deserialize, serialize } from 'node:v8';

const HEADER_BYTES = 4;

export function frame(message: unknown): Buffer {
  const body = serialize(message);
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Cuts a byte stream back into messages, however the chunks fall. */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onMessage: (message: unknown) => void): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (data.length >= HEADER_BYTES) {
      const size = data.readUInt32BE(0);
      if (data.length < HEADER_BYTES + size) break;
      const message = deserialize(data.subarray(HEADER_BYTES, HEADER_BYTES + size)) as unknown;
      data = data.subarray(HEADER_BYTES + size);
      onMessage(message);
    }
    this.#pending = data;
  }
}
