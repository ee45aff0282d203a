/** The broker's framing on its own: messages come back whole and in order, however the byte stream is cut. */
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
