/**
 * The broker's framing: each message is a 4-byte big-endian length and a v8
 * serialization (what a child process's IPC channel uses), so values arrive
 * as faithfully as task arguments do. The two messages sent once per queue
 * item, a one-way put of an item already packed and a consumer's `taken`, have
 * compact forms instead: wrapping a put's bytes in a second serialization cost
 * the producer as much as packing the item. So do calls, one-way calls and
 * answers that carry only small values and packed items (call-frames.ts).
 */
import { deserialize, serialize } from 'node:v8';

import { CALL_TAG, compactBody, OK_TAG, readCompact, TELL_TAG } from './call-frames.js';

const HEADER_BYTES = 4;
/** Every v8 serialization starts with this byte; a body that starts with another is a compact form. */
const V8_TAG = 0xff;
/** A one-way put: [PUT_TAG][shared: 0 | 1][primitive id: u32][the item's packed bytes]. */
const PUT_TAG = 0x01;
const PUT_PREFIX_BYTES = 6;
/** A one-way `taken`: [TAKEN_TAG][primitive id: u32][item number: f64]. */
const TAKEN_TAG = 0x02;
const TAKEN_BYTES = 13;

export function frame(message: unknown): Buffer {
  const compact = compactBody(message);
  if (compact) {
    const out = Buffer.allocUnsafe(HEADER_BYTES + compact.size);
    out.writeUInt32BE(compact.size, 0);
    compact.write(out, HEADER_BYTES);
    return out;
  }
  const body = serialize(message);
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** The frame of a one-way call: a compact form for a put of a packed item and for `taken`. */
export function frameTell(id: number, method: string, args: readonly unknown[]): Buffer {
  if (method === 'taken' && typeof args[0] === 'number') {
    const out = Buffer.allocUnsafe(HEADER_BYTES + TAKEN_BYTES);
    out.writeUInt32BE(TAKEN_BYTES, 0);
    out[HEADER_BYTES] = TAKEN_TAG;
    out.writeUInt32BE(id, HEADER_BYTES + 1);
    out.writeDoubleBE(args[0], HEADER_BYTES + 5);
    return out;
  }
  const item = args[0] as { bytes?: unknown; shared?: unknown } | undefined;
  if (method !== 'put' || !(item?.bytes instanceof Buffer)) return frame({ t: 'tell', id, method, args });
  const size = PUT_PREFIX_BYTES + item.bytes.length;
  const out = Buffer.allocUnsafe(HEADER_BYTES + size);
  out.writeUInt32BE(size, 0);
  out[HEADER_BYTES] = PUT_TAG;
  out[HEADER_BYTES + 1] = item.shared === true ? 1 : 0;
  out.writeUInt32BE(id, HEADER_BYTES + 2);
  item.bytes.copy(out, HEADER_BYTES + PUT_PREFIX_BYTES);
  return out;
}

function decode(body: Buffer): unknown {
  if (body[0] === V8_TAG) return deserialize(body);
  if (body[0] === CALL_TAG || body[0] === TELL_TAG || body[0] === OK_TAG) return readCompact(body);
  if (body[0] === TAKEN_TAG) return { t: 'tell', id: body.readUInt32BE(1), method: 'taken', args: [body.readDoubleBE(5)] };
  if (body[0] !== PUT_TAG) throw new Error(`multipool broker: unknown frame tag ${body[0]}`);
  // A copy: the item is kept, and the chunk it came in may be large.
  const bytes = Buffer.from(body.subarray(PUT_PREFIX_BYTES));
  return { t: 'tell', id: body.readUInt32BE(2), method: 'put', args: [{ bytes, shared: body[1] === 1 }, true, null] };
}

/** Cuts a byte stream back into messages, however the chunks fall. */
export class FrameReader {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onMessage: (message: unknown) => void): void {
    let data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (data.length >= HEADER_BYTES) {
      const size = data.readUInt32BE(0);
      if (data.length < HEADER_BYTES + size) break;
      const message = decode(data.subarray(HEADER_BYTES, HEADER_BYTES + size));
      data = data.subarray(HEADER_BYTES + size);
      onMessage(message);
    }
    this.#pending = data;
  }
}
