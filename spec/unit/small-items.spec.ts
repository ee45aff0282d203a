/** Small queue items written and read without a v8 serializer: the same values v8 reads, and v8's bytes read back. */
import { deserialize, serialize } from 'node:v8';

import { NOT_SMALL, readSmall, writeSmall } from '../../dist/sync/small-items.js';

const SMALL: readonly unknown[] = [
  0, 5, -1, 1.5, -0, NaN, Infinity, -Infinity, 1e-300, 2 ** 30, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 123456789012,
  '', 'abc', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(256), true, false, null, undefined,
];

describe('small queue items', () => {
  test.each(SMALL.map((value) => [value]))('writeSmall(%p) gives bytes v8 and readSmall read back to the same value', (value) => {
    const bytes = writeSmall(value);
    expect(bytes).not.toBeNull();
    expect(Object.is(deserialize(bytes as Buffer), value)).toBe(true);
    expect(Object.is(readSmall(bytes as Buffer), value)).toBe(true);
  });

  test('readSmall() reads what v8 itself wrote for the small kinds', () => {
    for (const value of SMALL) expect(Object.is(readSmall(serialize(value)), value)).toBe(true);
  });

  test('every int32 zigzag width round-trips', () => {
    for (let bits = 0; bits < 32; bits++) {
      for (const value of [2 ** bits - 1, -(2 ** bits), 2 ** bits]) {
        const bytes = writeSmall(value) as Buffer;
        expect([deserialize(bytes), readSmall(bytes)]).toEqual([value, value]);
      }
    }
  });

  test('other values are left to v8: writeSmall returns null, readSmall NOT_SMALL', () => {
    for (const value of ['日本', 1n, [1], { a: 1 }, new Map()]) {
      expect(writeSmall(value)).toBeNull();
      expect(readSmall(serialize(value))).toBe(NOT_SMALL);
    }
    // Not written here (not ASCII, or long), but v8 writes them in a form readSmall reads.
    for (const value of ['é', 'w'.repeat(257)]) {
      expect(writeSmall(value)).toBeNull();
      expect(readSmall(serialize(value))).toBe(value);
    }
    expect(readSmall(Buffer.from([1, 2, 3]))).toBe(NOT_SMALL);
  });
});
