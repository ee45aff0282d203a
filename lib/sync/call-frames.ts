/**
 * Compact frames for the commonest broker messages: a call or a one-way call whose arguments are small values
 * (see small-items.ts) or packed items, and an answer that holds one (or a queue's lease of packed items). A v8 serialization of such an envelope
 * cost several µs a message at each end, more than the rest of a Manager dict `get`; these take a few buffer
 * writes. Everything else travels as a v8 serialization (frames.ts).
 */
import { deserialize } from 'node:v8';

import type { Lease } from './lease-book.js';
import type { Packed } from './pack.js';
import { NOT_SMALL, readSmall, writeSmall } from './small-items.js';

export const CALL_TAG = 0x10;
export const TELL_TAG = 0x11;
export const OK_TAG = 0x12;

/** How an argument is carried: a small value's own v8 bytes, a packed item's bytes, or a queue's lease. */
const SMALL = 0;
const PACKED = 1;
const PACKED_SHARED = 2;
const LEASE = 3;
/** Each argument: [kind: u8][length: u32][payload]. */
const ARG_PREFIX_BYTES = 5;
/** A lease's payload: [seq: f64][count: u32], then each item as a packed argument. */
const LEASE_HEAD_BYTES = 12;
/** A method name: [length: u8][ASCII]. */
const MAX_METHOD = 0xff;
const MAX_ARGS = 0xff;

interface Arg {
  readonly kind: number;
  /** Bytes of the payload. */
  readonly length: number;
  put(out: Buffer, at: number): void;
}

/** The messages these frames carry, as the broker and its callers read them. */
type Compactable =
  | { readonly t: 'call'; readonly n: number; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly t: 'tell'; readonly id: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly t: 'ok'; readonly n: number; readonly value: unknown; readonly ack?: true };

/** True for a well-formed call, one-way call or answer (what the compact forms can carry, if their values allow). */
function isCompactable(message: unknown): message is Compactable {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (m.t === 'ok') return typeof m.n === 'number' && 'value' in m;
  if (m.t !== 'call' && m.t !== 'tell') return false;
  return typeof m.id === 'number' && typeof m.method === 'string' && Array.isArray(m.args) && (m.t === 'tell' || typeof m.n === 'number');
}

/** A packed item exactly as pack() makes it: nothing else may be carried as one (a field would be lost). */
function isPacked(value: unknown): value is Packed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { bytes, shared } = value as Partial<Packed>;
  return bytes instanceof Buffer && typeof shared === 'boolean' && Object.keys(value).length === 2;
}

/** A queue's lease exactly as lease-book.ts makes it: its number and packed items, nothing else. */
function isLease(value: unknown): value is Lease {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { seq, items } = value as Partial<Lease>;
  return typeof seq === 'number' && Array.isArray(items) && Object.keys(value).length === 2 && items.every(isPacked);
}

function bytesArg(kind: number, bytes: Uint8Array): Arg {
  return { kind, length: bytes.length, put: (out, at) => out.set(bytes, at) };
}

function packedArg({ bytes, shared }: Packed): Arg {
  return bytesArg(shared ? PACKED_SHARED : PACKED, bytes);
}

function leaseArg({ seq, items }: Lease): Arg {
  const args = items.map(packedArg);
  let length = LEASE_HEAD_BYTES;
  for (const arg of args) length += ARG_PREFIX_BYTES + arg.length;
  return {
    kind: LEASE,
    length,
    put(out, at) {
      out.writeDoubleBE(seq, at);
      out.writeUInt32BE(items.length, at + 8);
      writeArgs(out, at + LEASE_HEAD_BYTES, args);
    },
  };
}

function argOf(value: unknown): Arg | null {
  if (isPacked(value)) return packedArg(value);
  const small = writeSmall(value);
  if (small) return bytesArg(SMALL, small);
  return isLease(value) ? leaseArg(value) : null;
}

function argsOf(values: readonly unknown[]): Arg[] | null {
  if (values.length > MAX_ARGS) return null;
  const args: Arg[] = [];
  for (const value of values) {
    const arg = argOf(value);
    if (!arg) return null;
    args.push(arg);
  }
  return args;
}

/** Counters and ids as they fit in a u32; a longer-lived connection's later calls go as v8 frames. */
const MAX_U32 = 0xffffffff;

function fitsU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_U32;
}

/** A method name as one length byte and its characters: ASCII only (a UTF-8 length equal to its own). */
function isShortAscii(text: string): boolean {
  return text.length <= MAX_METHOD && Buffer.byteLength(text, 'utf8') === text.length;
}

/** The frame body of `message` (without the length header) in compact form, or null when it has none. */
export function compactBody(message: unknown): { size: number; write(out: Buffer, at: number): void } | null {
  // Other messages (hello, ack, an error, a notice, …) are rare: v8 carries them.
  if (!isCompactable(message)) return null;
  const m = message;
  if (m.t === 'ok') {
    if (!fitsU32(m.n)) return null;
    const arg = argOf(m.value);
    if (!arg) return null;
    return {
      size: 1 + 4 + 1 + ARG_PREFIX_BYTES + arg.length,
      write(out, at) {
        out[at] = OK_TAG;
        out.writeUInt32BE(m.n, at + 1);
        out[at + 5] = m.ack ? 1 : 0;
        writeArgs(out, at + 6, [arg]);
      },
    };
  }
  if (!isShortAscii(m.method) || !fitsU32(m.id) || (m.t === 'call' && !fitsU32(m.n))) return null;
  const args = argsOf(m.args);
  if (!args) return null;
  const head = m.t === 'call' ? 1 + 4 + 4 : 1 + 4;
  let size = head + 1 + m.method.length + 1;
  for (const arg of args) size += ARG_PREFIX_BYTES + arg.length;
  return {
    size,
    write(out, at) {
      out[at] = m.t === 'call' ? CALL_TAG : TELL_TAG;
      if (m.t === 'call') out.writeUInt32BE(m.n, at + 1);
      out.writeUInt32BE(m.id, at + head - 4);
      let p = at + head;
      out[p++] = m.method.length;
      p += out.write(m.method, p, 'latin1');
      out[p++] = args.length;
      writeArgs(out, p, args);
    },
  };
}

function writeArgs(out: Buffer, at: number, args: readonly Arg[]): void {
  let p = at;
  for (const arg of args) {
    out[p] = arg.kind;
    out.writeUInt32BE(arg.length, p + 1);
    arg.put(out, p + ARG_PREFIX_BYTES);
    p += ARG_PREFIX_BYTES + arg.length;
  }
}

/** A copy: a packed item is kept, and the chunk it came in may be large. */
function packedOf(bytes: Uint8Array, shared: boolean): Packed {
  return { bytes: Buffer.from(bytes), shared };
}

function readLease(payload: Buffer): Lease {
  // Its items were written as packed arguments: each reads back as a packed item.
  return { seq: payload.readDoubleBE(0), items: readArgs(payload, LEASE_HEAD_BYTES, payload.readUInt32BE(8)) as Packed[] };
}

function readArg(kind: number | undefined, payload: Buffer): unknown {
  switch (kind) {
    case SMALL: {
      const small = readSmall(payload);
      return small === NOT_SMALL ? deserialize(payload) : small;
    }
    case PACKED:
    case PACKED_SHARED:
      return packedOf(payload, kind === PACKED_SHARED);
    case LEASE:
      return readLease(payload);
    default:
      throw new Error(`multipool broker: unknown argument kind ${String(kind)} in a compact frame`);
  }
}

/** Reads `count` arguments from `at` on. */
function readArgs(body: Buffer, at: number, count: number): unknown[] {
  const values: unknown[] = [];
  let p = at;
  for (let i = 0; i < count; i++) {
    const length = body.readUInt32BE(p + 1);
    const start = p + ARG_PREFIX_BYTES;
    if (start + length > body.length) throw new Error('multipool broker: a compact frame ends inside an argument');
    values.push(readArg(body[p], body.subarray(start, start + length)));
    p = start + length;
  }
  return values;
}

/** The message of a compact frame body (its first byte is CALL_TAG, TELL_TAG or OK_TAG). */
export function readCompact(body: Buffer): unknown {
  const tag = body[0];
  if (tag === OK_TAG) {
    const [value] = readArgs(body, 6, 1);
    return body[5] === 1 ? { t: 'ok', n: body.readUInt32BE(1), value, ack: true } : { t: 'ok', n: body.readUInt32BE(1), value };
  }
  const call = tag === CALL_TAG;
  const head = call ? 9 : 5;
  const id = body.readUInt32BE(head - 4);
  const methodLength = body[head] ?? 0;
  const method = body.toString('latin1', head + 1, head + 1 + methodLength);
  const count = body[head + 1 + methodLength] ?? 0;
  const args = readArgs(body, head + 2 + methodLength, count);
  return call ? { t: 'call', n: body.readUInt32BE(1), id, method, args } : { t: 'tell', id, method, args };
}
