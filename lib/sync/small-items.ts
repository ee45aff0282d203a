/**
 * Queue items that are one number, boolean, null, undefined or short ASCII
 * string, written and read in v8's serialization format without a
 * DefaultSerializer: building one per item cost more than the rest of a put
 * between two threads. The bytes are those v8.deserialize reads (a receiver
 * in another process, or one that does not know this file, reads them as
 * usual); anything else is left to v8.
 */
import { serialize } from 'node:v8';

/** v8's header (0xFF, then the format version), taken from this Node's own serializer. */
const HEADER = serialize(0).subarray(0, 2);
const HEADER_BYTES = HEADER.length;
const VERSION = HEADER[1] as number;

/** v8's tags for the values written here. */
const INT32 = 0x49;
const DOUBLE = 0x4e;
const ONE_BYTE_STRING = 0x22;
const TRUE = 0x54;
const FALSE = 0x46;
const NULL = 0x30;
const UNDEFINED = 0x5f;

/**
 * Longer strings go to v8: checking that every character is ASCII costs a pass over it, and v8's own
 * writer is as quick once the string is long.
 */
const MAX_STRING = 256;

/** What {@link readSmall} returns for bytes it leaves to v8. */
export const NOT_SMALL: unique symbol = Symbol('not small');

/** The serialization of `value`, or null when it is not one of the small kinds. */
export function writeSmall(value: unknown): Buffer | null {
  switch (typeof value) {
    case 'number':
      return (value | 0) === value && !Object.is(value, -0) ? int32(value) : double(value);
    case 'string':
      return value.length <= MAX_STRING && Buffer.byteLength(value, 'utf8') === value.length ? ascii(value) : null;
    case 'boolean':
      return tagOnly(value ? TRUE : FALSE);
    case 'undefined':
      return tagOnly(UNDEFINED);
    case 'object':
      return value === null ? tagOnly(NULL) : null;
    default:
      return null;
  }
}

function tagOnly(tag: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 1);
  HEADER.copy(out, 0);
  out[HEADER_BYTES] = tag;
  return out;
}

function double(value: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 9);
  HEADER.copy(out, 0);
  out[HEADER_BYTES] = DOUBLE;
  out.writeDoubleLE(value, HEADER_BYTES + 1);
  return out;
}

function int32(value: number): Buffer {
  // Zigzag, then base-128 digits, low first (at most 5 for 32 bits).
  let rest = ((value << 1) ^ (value >> 31)) >>> 0;
  const out = Buffer.allocUnsafe(HEADER_BYTES + 6);
  HEADER.copy(out, 0);
  out[HEADER_BYTES] = INT32;
  let at = HEADER_BYTES + 1;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  out[at++] = rest;
  return out.subarray(0, at);
}

function ascii(value: string): Buffer {
  const length = value.length;
  const lengthBytes = length < 0x80 ? 1 : 2;
  const out = Buffer.allocUnsafe(HEADER_BYTES + 1 + lengthBytes + length);
  HEADER.copy(out, 0);
  out[HEADER_BYTES] = ONE_BYTE_STRING;
  if (lengthBytes === 1) {
    out[HEADER_BYTES + 1] = length;
  } else {
    out[HEADER_BYTES + 1] = (length & 0x7f) | 0x80;
    out[HEADER_BYTES + 2] = length >>> 7;
  }
  out.write(value, HEADER_BYTES + 1 + lengthBytes, 'latin1');
  return out;
}

/** The value of bytes {@link writeSmall} would write (whoever wrote them), or NOT_SMALL. */
export function readSmall(bytes: Uint8Array): unknown {
  if (bytes[0] !== 0xff || bytes[1] !== VERSION) return NOT_SMALL;
  const tag = bytes[HEADER_BYTES];
  const end = bytes.length;
  switch (tag) {
    case INT32:
      return readInt32(bytes);
    case DOUBLE:
      return end === HEADER_BYTES + 9 ? Buffer.from(bytes.buffer, bytes.byteOffset, end).readDoubleLE(HEADER_BYTES + 1) : NOT_SMALL;
    case TRUE:
      return end === HEADER_BYTES + 1 ? true : NOT_SMALL;
    case FALSE:
      return end === HEADER_BYTES + 1 ? false : NOT_SMALL;
    case NULL:
      return end === HEADER_BYTES + 1 ? null : NOT_SMALL;
    case UNDEFINED:
      return end === HEADER_BYTES + 1 ? undefined : NOT_SMALL;
    case ONE_BYTE_STRING:
      return readOneByteString(bytes);
    default:
      return NOT_SMALL;
  }
}

function readInt32(bytes: Uint8Array): unknown {
  let value = 0;
  let shift = 0;
  for (let at = HEADER_BYTES + 1; at < bytes.length && shift < 35; at++, shift += 7) {
    const digit = bytes[at] as number;
    value |= (digit & 0x7f) << shift;
    if (digit < 0x80) return at === bytes.length - 1 ? (value >>> 1) ^ -(value & 1) : NOT_SMALL;
  }
  return NOT_SMALL;
}

function readOneByteString(bytes: Uint8Array): unknown {
  const first = bytes[HEADER_BYTES + 1];
  if (first === undefined) return NOT_SMALL;
  const twoDigits = first >= 0x80;
  const length = twoDigits ? (first & 0x7f) | ((bytes[HEADER_BYTES + 2] ?? 0x80) << 7) : first;
  const start = HEADER_BYTES + (twoDigits ? 3 : 2);
  // Only lengths of up to two digits, and nothing after the string: anything else is v8's to read.
  if (length > 0x3fff || start + length !== bytes.length) return NOT_SMALL;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1', start, start + length);
}
