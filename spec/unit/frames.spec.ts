/** The broker's framing on its own: messages come back whole and in order, however the byte stream is cut. */
import { deserialize, serialize } from 'node:v8';

import { frame, FrameReader, frameTell } from '../../dist/sync/frames.js';

const messages: unknown[] = [{ t: 'call', n: 1, args: [1n, Buffer.from('ab'), new Map([[1, 'x']])] }, 'two', [3, { deep: [null] }], { big: 'x'.repeat(70_000) }];

function readAll(chunks: readonly Buffer[]): unknown[] {
  const reader = new FrameReader();
  const out: unknown[] = [];
  for (const chunk of chunks) reader.push(chunk, (message) => out.push(message));
  return out;
}

test('one chunk holding several frames yields every message in order', () => {
  expect(readAll([Buffer.concat(messages.map(frame))])).toEqual(messages);
});

test('frames cut at every byte still come back whole', () => {
  const bytes = Buffer.concat(messages.slice(0, 3).map(frame));
  const chunks = [...bytes].map((byte) => Buffer.from([byte]));
  expect(readAll(chunks)).toEqual(messages.slice(0, 3));
});

test('a frame larger than a socket read arrives once its last part does', () => {
  const bytes = frame(messages[3]);
  const reader = new FrameReader();
  const out: unknown[] = [];
  reader.push(bytes.subarray(0, 1000), (message) => out.push(message));
  expect(out).toEqual([]);
  reader.push(bytes.subarray(1000), (message) => out.push(message));
  expect(out).toEqual([messages[3]]);
});

test('the compact put and taken frames read back as the one-way calls they stand for, between v8 frames', () => {
  const item = { bytes: Buffer.from([1, 2, 3, 250]), shared: true };
  const frames = [frameTell(7, 'put', [item, true, null]), frame('between'), frameTell(4_000_000_000, 'taken', [2 ** 40 + 3]), frameTell(9, 'get', [true])];
  const chunks = [...Buffer.concat(frames)].map((byte) => Buffer.from([byte]));
  expect(readAll(chunks)).toEqual([
    { t: 'tell', id: 7, method: 'put', args: [item, true, null] },
    'between',
    { t: 'tell', id: 4_000_000_000, method: 'taken', args: [2 ** 40 + 3] },
    { t: 'tell', id: 9, method: 'get', args: [true] },
  ]);
});

test('a frame that is neither v8 nor a known compact form is refused', () => {
  const bad = Buffer.from([0, 0, 0, 1, 0x7f]);
  expect(() => readAll([bad])).toThrow('unknown frame tag 127');
});

describe('compact frames for calls, one-way calls and answers', () => {
  const packed = (text: string, shared = false): { bytes: Buffer; shared: boolean } => ({ bytes: serialize(text), shared });
  /** The first byte of a frame's body: 0xff for a v8 serialization, else a compact form's tag. */
  const bodyTag = (bytes: Buffer): number | undefined => bytes[4];

  test.each([
    { t: 'call', n: 7, id: 3, method: 'get', args: [42] },
    { t: 'call', n: 8, id: 3, method: 'get', args: ['key', undefined, null, true, -0.5] },
    { t: 'tell', id: 9, method: 'set', args: ['ada', packed('value')] },
    { t: 'tell', id: 9, method: 'set', args: [1, packed('with handles', true)] },
    { t: 'ok', n: 7, value: packed('answer') },
    { t: 'ok', n: 7, value: undefined },
    { t: 'ok', n: 8, value: true, ack: true },
    { t: 'ok', n: 9, value: { seq: 12, items: [packed('a'), packed('b', true), packed('c')] }, ack: true },
    { t: 'ok', n: 9, value: { seq: 0, items: [] } },
  ])('$t with small values and packed items travels compact and comes back equal: %j', (message) => {
    const bytes = frame(message);
    expect(bodyTag(bytes)).not.toBe(0xff);
    expect(readAll([bytes])).toEqual([message]);
  });

  test.each([
    { t: 'call', n: 1, id: 3, method: 'get', args: [1n] }, // a bigint is not a small value
    { t: 'call', n: 1, id: 3, method: 'update', args: [[['a', packed('x')]]] }, // an array of items
    { t: 'call', n: 2 ** 32, id: 3, method: 'get', args: [1] }, // a counter past a u32
    { t: 'call', n: 1, id: 3, method: 'gét', args: [1] }, // a method name that is not ASCII
    { t: 'ok', n: 1, value: { bytes: Buffer.from('x'), shared: false, extra: 1 } }, // not a packed item: a field would be lost
    { t: 'err', n: 1, error: { name: 'Error', message: 'no' } },
    { t: 'ok', n: 1, value: { seq: 1, items: [packed('a')], more: true } }, // not a lease: a field would be lost
    { t: 'ok', n: 1, value: { seq: 1, items: [packed('a'), 'b'] } }, // an item that is not packed
  ])('anything else travels as v8 and comes back equal: %j', (message) => {
    const bytes = frame(message);
    expect(bodyTag(bytes)).toBe(0xff);
    expect(readAll([bytes])).toEqual([message]);
  });

  test('a packed item read from a compact frame is a copy, not a view of the chunk it came in', () => {
    const bytes = frame({ t: 'ok', n: 1, value: packed('kept') });
    const [message] = readAll([bytes]) as [{ value: { bytes: Buffer } }];
    bytes.fill(0);
    expect(deserialize(message.value.bytes)).toBe('kept');
  });

  test('the items of a lease read from a compact frame are copies too', () => {
    const bytes = frame({ t: 'ok', n: 1, value: { seq: 3, items: [packed('one'), packed('two')] } });
    const [message] = readAll([bytes]) as [{ value: { items: { bytes: Buffer }[] } }];
    bytes.fill(0);
    expect(message.value.items.map((item) => deserialize(item.bytes) as unknown)).toEqual(['one', 'two']);
  });
});
