/**
 * The wire codec on its own: chunks packed by `batchMessage` come back whole from `unpackChunks`, and
 * outcomes packed by `packOutcomes` come back from `decodeMessage` with their errors rebuilt.
 */
import { deserialize, serialize } from 'node:v8';

import { MaybeEncodingError, RemoteTraceback } from 'multipool';

import type { Chunk, ChunkResult } from '../../dist/runtime/backend.js';
import { batchMessage, callTuple, crossingBatch, decodeMessage, openBatch, packOutcomes, resultsMessage, unpackChunks } from '../../dist/runtime/codec.js';
import type { CallTuple, Crossing, FnDef, FromWorker, PackedChunks, ToWorker, WireChunk, WireOutcome } from '../../dist/runtime/protocol.js';
import { NUMBER_RUN_MIN } from '../../dist/runtime/runs.js';
import { encodingFailure, flattenThrown } from '../../dist/runtime/transport.js';

type AnyFn = Chunk['fn'];

const double: AnyFn = (x: number) => x * 2;
const add: AnyFn = (a: number, b: number) => a + b;
const gen: AnyFn = function* (n: number) {
  yield n;
};

/** Definitions as the backends keep them: one object per function, so a function is one id. */
function definitions(...fns: AnyFn[]): (fn: AnyFn) => FnDef {
  const defs = new Map<AnyFn, FnDef>(fns.map((fn, i) => [fn, { id: i + 1, kind: 'source', source: String(fn) }]));
  return (fn) => {
    const def = defs.get(fn);
    if (!def) throw new Error('a chunk used a function the test did not define');
    return def;
  };
}

function chunk(job: number, index: number, items: unknown[], fn: AnyFn = double, flags: Partial<Pick<Chunk, 'star' | 'perItem' | 'stream'>> = {}): Chunk {
  return { job, index, fn, items, star: false, perItem: false, ...flags };
}

/** What a worker should receive for `chunks`: the same chunks, each naming its function by id. */
function onTheWire(chunks: Chunk[], defOf: (fn: AnyFn) => FnDef): WireChunk[] {
  return chunks.map(({ job, index, fn, items, star, perItem, stream }) => ({ job, index, fn: defOf(fn).id, items, star, perItem, ...(stream ? { stream } : {}) }));
}

/** `message` as the other side receives it. */
function across<M>(message: M, crossing: Crossing): M {
  return crossing === 'v8' ? (deserialize(serialize(message)) as M) : structuredClone(message);
}

function roundTrip(chunks: Chunk[], defOf: (fn: AnyFn) => FnDef): WireChunk[] {
  const { message } = batchMessage(chunks, defOf, new Set());
  expect(message.t).toBe('batch');
  return unpackChunks(message.chunks);
}

function results(outcomes: WireOutcome[]): ChunkResult[] {
  const decoded = decodeMessage({ t: 'results', results: packOutcomes(outcomes) });
  if (decoded.t !== 'results') throw new Error(`expected results, got ${decoded.t}`);
  return decoded.results;
}

function values(job: number, index: number, ms: number, vals: unknown[] | Float64Array): WireOutcome {
  return { job, index, ms, kind: 'values', values: vals };
}

function thrown(job: number, index: number, ms: number, error: unknown): WireOutcome {
  return { job, index, ms, kind: 'error', ...flattenThrown(error) };
}

describe('batchMessage / unpackChunks', () => {
  test('chunks of several jobs, consecutive and not, come back as they were sent, in order', () => {
    const defOf = definitions(double, add);
    const chunks = [
      chunk(1, 0, [1, 2]),
      chunk(1, 2, [3, 4]),
      chunk(1, 4, [5]),
      chunk(2, 0, [[1, 2]], add, { star: true }),
      chunk(1, 9, [10, 11, 12]), // a gap: chunks 5..8 went to another worker
      chunk(1, 12, [13]),
      chunk(2, 1, [[3, 4]], add, { star: true }),
      chunk(3, 7, ['x']),
      chunk(3, 3, ['y']), // out of order within a job
    ];
    expect(roundTrip(chunks, defOf)).toEqual(onTheWire(chunks, defOf));
  });

  test('star, perItem and stream flags come back per chunk, even between otherwise consecutive chunks', () => {
    const defOf = definitions(double, add, gen);
    const chunks = [
      chunk(1, 0, [1], double),
      chunk(1, 1, [2], double, { perItem: true }),
      chunk(1, 2, [[3, 4]], add, { star: true }),
      chunk(1, 3, [[5, 6]], add, { star: true, perItem: true }),
      chunk(1, 4, [7], gen, { stream: 10 }),
      chunk(1, 5, [8], gen, { stream: 10 }),
      chunk(1, 6, [9], gen, { stream: 3 }),
      chunk(1, 7, [10], gen),
    ];
    const back = roundTrip(chunks, defOf);
    expect(back).toEqual(onTheWire(chunks, defOf));
    expect(back.map((c) => [c.star, c.perItem, c.stream])).toEqual([
      [false, false, undefined],
      [false, true, undefined],
      [true, false, undefined],
      [true, true, undefined],
      [false, false, 10],
      [false, false, 10],
      [false, false, 3],
      [false, false, undefined],
    ]);
  });

  test('a chunk without stream arrives without a stream field (the worker tests `stream !== undefined`)', () => {
    const defOf = definitions(double);
    const [back] = roundTrip([chunk(1, 0, [1])], defOf);
    expect(back).toBeDefined();
    expect(Object.hasOwn(back!, 'stream')).toBe(false);
  });

  test('consecutive chunks of one job with the same function and flags travel as one record', () => {
    const defOf = definitions(double, add);
    const { message } = batchMessage([chunk(1, 0, [1, 2]), chunk(1, 2, [3]), chunk(1, 3, [4, 5, 6])], defOf, new Set());
    expect(message.chunks.length).toBe(1);
    const split = batchMessage([chunk(1, 0, [1]), chunk(1, 2, [3]), chunk(2, 3, [4]), chunk(2, 4, [[5, 6]], add)], defOf, new Set());
    expect(split.message.chunks.length).toBe(4);
  });

  test('item arrays are not shared between unpacked chunks of one record', () => {
    const defOf = definitions(double);
    const back = roundTrip([chunk(1, 0, [1, 2]), chunk(1, 2, [3, 4])], defOf);
    (back[0]!.items as unknown[]).push('extra');
    expect(back[1]!.items).toEqual([3, 4]);
  });

  test('an empty batch is a batch with no chunks and no definitions', () => {
    const { message, fns } = batchMessage([], definitions(), new Set());
    expect(message).toEqual({ t: 'batch', fns: [], chunks: [] });
    expect(fns).toEqual([]);
    expect(unpackChunks([])).toEqual([]);
  });

  test('a new function definition is sent once however many chunks use it', () => {
    const defOf = definitions(double, add);
    const { message, fns } = batchMessage([chunk(1, 0, [1]), chunk(2, 0, [[1, 2]], add, { star: true }), chunk(1, 5, [6]), chunk(3, 0, [7])], defOf, new Set());
    expect(fns).toEqual([defOf(double), defOf(add)]);
    expect(message.fns).toEqual(fns);
  });

  test('a definition the worker already knows is not sent again; the new ones are returned to be marked known', () => {
    const defOf = definitions(double, add, gen);
    const known = new Set([defOf(double).id]);
    const { message, fns } = batchMessage([chunk(1, 0, [1]), chunk(2, 0, [2], gen), chunk(3, 0, [[1, 2]], add, { star: true })], defOf, known);
    expect(fns).toEqual([defOf(gen), defOf(add)]);
    expect(message.fns.map((def) => def.id)).toEqual([defOf(gen).id, defOf(add).id]);
    expect(known).toEqual(new Set([defOf(double).id])); // marking them known is the caller's job, after the send
  });

  test('with every definition known, the message carries none', () => {
    const defOf = definitions(double, add);
    const { message, fns } = batchMessage([chunk(1, 0, [1]), chunk(2, 0, [[1, 2]], add, { star: true })], defOf, new Set([1, 2]));
    expect(fns).toEqual([]);
    expect(message.fns).toEqual([]);
  });
});

describe('packOutcomes / decodeMessage', () => {
  test('values of consecutive chunks come back in place, the run time spread evenly over its chunks', () => {
    const back = results([values(1, 0, 2, ['a', 'b']), values(1, 2, 4, ['c']), values(1, 3, 6, ['d', 'e', 'f'])]);
    expect(back).toEqual([
      { job: 1, index: 0, ms: 4, outcome: { kind: 'values', values: ['a', 'b'] } },
      { job: 1, index: 2, ms: 4, outcome: { kind: 'values', values: ['c'] } },
      { job: 1, index: 3, ms: 4, outcome: { kind: 'values', values: ['d', 'e', 'f'] } },
    ]);
  });

  test('outcomes of different jobs or with a gap keep their own index and time', () => {
    const back = results([values(1, 0, 1, [0]), values(2, 1, 3, [1]), values(2, 5, 5, [5, 6]), values(1, 1, 7, [undefined, null])]);
    expect(back).toEqual([
      { job: 1, index: 0, ms: 1, outcome: { kind: 'values', values: [0] } },
      { job: 2, index: 1, ms: 3, outcome: { kind: 'values', values: [1] } },
      { job: 2, index: 5, ms: 5, outcome: { kind: 'values', values: [5, 6] } },
      { job: 1, index: 1, ms: 7, outcome: { kind: 'values', values: [undefined, null] } },
    ]);
  });

  test('a streamed chunk whose leftover values differ in number from its items keeps its index', () => {
    // A generator chunk of one item sends back whatever it had not streamed yet: none, or several values.
    const back = results([values(1, 0, 1, []), values(1, 1, 1, ['x', 'y', 'z']), values(1, 2, 1, ['w']), values(1, 4, 1, ['v'])]);
    expect(back.map((r) => [r.index, r.outcome.kind === 'values' && r.outcome.values])).toEqual([
      [0, []],
      [1, ['x', 'y', 'z']],
      [2, ['w']],
      [4, ['v']],
    ]);
  });

  test('a failed chunk comes back as an error of its own class and message, with a RemoteTraceback cause', () => {
    const back = results([
      thrown(1, 0, 1, new TypeError('not a number')),
      thrown(1, 1, 1, new RangeError('too big')),
      thrown(1, 2, 1, new Error('plain')),
    ]);
    const errors = back.map((r) => (r.outcome.kind === 'error' ? r.outcome.error : null));
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(errors[1]).toBeInstanceOf(RangeError);
    expect(errors[2]).toBeInstanceOf(Error);
    expect(errors.map((e) => (e as Error).message)).toEqual(['not a number', 'too big', 'plain']);
    const cause = (errors[0] as Error).cause;
    expect(cause).toBeInstanceOf(RemoteTraceback);
    expect((cause as RemoteTraceback).tb).toContain('not a number');
  });

  test('a subclass keeps its name and own fields on the nearest built-in class; a thrown non-Error comes back as itself', () => {
    class QuotaError extends RangeError {
      override name = 'QuotaError';
      readonly limit = 5;
    }
    const back = results([thrown(4, 0, 1, new QuotaError('over quota')), thrown(4, 1, 1, 'a string'), thrown(4, 2, 1, { code: 7 })]);
    const [quota, text, object] = back.map((r) => (r.outcome.kind === 'error' ? r.outcome.error : null));
    expect(quota).toBeInstanceOf(RangeError);
    expect(quota).toMatchObject({ name: 'QuotaError', message: 'over quota', limit: 5 });
    expect(text).toBe('a string');
    expect(object).toEqual({ code: 7 });
  });

  test('a result that could not be cloned comes back as a MaybeEncodingError', () => {
    const [back] = results([{ job: 1, index: 0, ms: 1, kind: 'error', ...encodingFailure(() => 1, 'could not be cloned') }]);
    expect(back?.outcome.kind === 'error' && back.outcome.error).toBeInstanceOf(MaybeEncodingError);
  });

  test('an error between values breaks the run and every outcome keeps its place', () => {
    const back = results([values(1, 0, 2, [0]), values(1, 1, 2, [1]), thrown(1, 2, 9, new Error('boom')), values(1, 3, 4, [3]), values(1, 4, 4, [4])]);
    expect(back.map((r) => [r.index, r.ms, r.outcome.kind])).toEqual([
      [0, 2, 'values'],
      [1, 2, 'values'],
      [2, 9, 'error'],
      [3, 4, 'values'],
      [4, 4, 'values'],
    ]);
  });

  test('a per-item chunk comes back with its values in place and its failed positions as a Map of rebuilt errors', () => {
    const outcome: WireOutcome = {
      job: 2,
      index: 10,
      ms: 3,
      kind: 'items',
      values: [1, undefined, 3, undefined],
      errors: [
        [1, flattenThrown(new TypeError('bad item'))],
        [3, flattenThrown(42)],
      ],
    };
    const [back] = results([values(2, 8, 1, [8, 9]), outcome]).slice(1);
    expect(back?.job).toBe(2);
    expect(back?.index).toBe(10);
    expect(back?.ms).toBe(3);
    if (back?.outcome.kind !== 'items') throw new Error(`expected items, got ${back?.outcome.kind}`);
    expect(back.outcome.values).toEqual([1, undefined, 3, undefined]);
    expect([...back.outcome.errors.keys()]).toEqual([1, 3]);
    expect(back.outcome.errors.get(1)).toBeInstanceOf(TypeError);
    expect((back.outcome.errors.get(1) as Error).message).toBe('bad item');
    expect(back.outcome.errors.get(3)).toBe(42);
  });

  test('a per-item chunk without failures has an empty error Map', () => {
    const [back] = results([{ job: 1, index: 0, ms: 1, kind: 'items', values: ['a'], errors: [] }]);
    expect(back?.outcome).toEqual({ kind: 'items', values: ['a'], errors: new Map() });
  });

  test('streamed items pass through as they are', () => {
    const message: FromWorker = { t: 'items', job: 3, index: 4, values: [1, 'two', { three: 3 }] };
    expect(decodeMessage(message)).toEqual({ t: 'items', job: 3, index: 4, values: [1, 'two', { three: 3 }] });
  });

  test('an initializer failure comes back as the error it threw', () => {
    const decoded = decodeMessage({ t: 'init-error', error: flattenThrown(new SyntaxError('bad init')) });
    expect(decoded.t).toBe('init-error');
    const error = decoded.t === 'init-error' ? decoded.error : null;
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toBe('bad init');
  });

  test('an unknown tag throws, naming the message', () => {
    const message = { t: 'hello', from: 'a newer worker' } as unknown as FromWorker;
    expect(() => decodeMessage(message)).toThrow(/unknown protocol message.*hello/);
  });

  test('no outcomes pack to no records', () => {
    expect(packOutcomes([])).toEqual([]);
    expect(results([])).toEqual([]);
  });
});

describe('the tuple forms of one-item calls and single values', () => {
  test('one call of a known function with one item crosses as a flat tuple and opens as the chunk it was', () => {
    const defOf = definitions(double, add);
    for (const sent of [chunk(4, 0, [[1, 2]], add, { star: true }), chunk(5, 3, [7], double, { perItem: true }), chunk(6, 0, [[3, 4]], add, { star: true, perItem: true })]) {
      const outgoing = callTuple([sent], defOf, new Set([1, 2]), 'clone');
      expect(Array.isArray(outgoing?.message)).toBe(true);
      expect(outgoing?.moved).toBeNull();
      expect(openBatch(outgoing?.message as CallTuple)).toEqual({ fns: [], chunks: onTheWire([sent], defOf) });
    }
  });

  test('one-item calls of several jobs cross as one flat tuple, claim words kept, and open as the chunks they were', () => {
    const defOf = definitions(double, add);
    const sent = [chunk(4, 0, [7]), { ...chunk(5, 0, [[1, 2]], add, { star: true }), holdable: true as const }, chunk(6, 0, [8], double, { perItem: true })];
    const claims = new Map([[sent[1] as Chunk, 3]]);
    const message = callTuple(sent, defOf, new Set([1, 2]), 'clone', claims)?.message;
    expect(message).toEqual(['call', 4, 0, 1, 0, 7, -1, 5, 0, 2, 1, [1, 2], 3, 6, 0, 1, 2, 8, -1]);
    const opened = openBatch(across(message as CallTuple, 'clone')).chunks;
    expect(opened).toEqual(onTheWire(sent, defOf).map((wire, i) => (i === 1 ? { ...wire, claim: 3 } : wire)));
  });

  test('a tuple opens as the very chunks the record form of the same batch opens as, on both crossings', () => {
    const defOf = definitions(double, add);
    const sent = [chunk(4, 0, [7]), { ...chunk(5, 0, [[1, 2]], add, { star: true }), holdable: true as const }, chunk(6, 0, [8], double, { perItem: true }), chunk(4, 2, [9])];
    const claims = new Map([[sent[1] as Chunk, 3]]);
    for (const crossing of ['clone', 'v8'] as const) {
      const record = crossingBatch(batchMessage(sent, defOf, new Set([1, 2]), crossing, claims).message, crossing).message;
      const tuple = callTuple(sent, defOf, new Set([1, 2]), crossing, claims)?.message;
      expect(record).toMatchObject({ t: 'batch' });
      expect(Array.isArray(tuple)).toBe(true);
      expect(openBatch(across(tuple as CallTuple, crossing)).chunks).toEqual(openBatch(across(record as CallTuple, crossing)).chunks);
    }
  });

  test('a call that carries a definition, Buffers, a stream or several items, or consecutive chunks of one job, is left to the record form', () => {
    const defOf = definitions(double, gen);
    const direct = (chunks: Chunk[], known: number[], crossing: Crossing = 'clone'): unknown => callTuple(chunks, defOf, new Set(known), crossing);
    expect(direct([chunk(1, 0, [1])], [1])).not.toBeNull();
    expect(direct([chunk(1, 0, [1])], [])).toBeNull();
    expect(direct([chunk(1, 0, [1])], [1], 'reference')).toBeNull();
    expect(direct([chunk(1, 0, [Buffer.from('b')])], [1])).toBeNull();
    expect(direct([chunk(1, 0, [1], gen, { stream: 2 })], [2])).toBeNull();
    expect(direct([chunk(1, 0, [1, 2])], [1])).toBeNull();
    expect(direct([chunk(1, 0, [1]), chunk(2, 0, [2, 3])], [1])).toBeNull();
    // An imap with chunksize 1: one run of two chunks, not two calls.
    expect(direct([chunk(1, 0, [1]), chunk(1, 1, [2])], [1])).toBeNull();
    // A class instance would arrive as a plain object: both paths refuse it, naming why.
    class Point {
      x = 1;
    }
    expect(() => direct([chunk(1, 0, [new Point()])], [1])).toThrow(/Cannot send a value to another thread or process/);
    expect(() => crossingBatch(batchMessage([chunk(1, 0, [new Point()])], defOf, new Set([1])).message, 'clone')).toThrow(/Cannot send a value to another thread or process/);
  });

  test('the one value of one chunk comes back as a flat tuple and decodes as a result; anything more is a record', () => {
    const { message } = resultsMessage([values(3, 2, 0.5, [{ a: [1] }])], 'clone');
    expect(message).toEqual(['value', 3, 2, 0.5, { a: [1] }]);
    expect(decodeMessage(message)).toEqual({ t: 'results', results: [{ job: 3, index: 2, ms: 0.5, outcome: { kind: 'values', values: [{ a: [1] }] } }] });
    expect(resultsMessage([values(3, 2, 0.5, [1, 2])], 'v8').message).toMatchObject({ t: 'results' });
    expect(resultsMessage([values(3, 2, 0.5, [1]), values(3, 3, 0.5, [2])], 'v8').message).toMatchObject({ t: 'results' });
    expect(resultsMessage([values(3, 2, 0.5, [1]), thrown(4, 0, 0.5, new Error('x'))], 'v8').message).toMatchObject({ t: 'results' });
    expect(resultsMessage([values(3, 2, 0.5, [Buffer.from('b')])], 'clone').message).toMatchObject({ t: 'results' });
  });

  test('the single values of chunks of several jobs come back as one flat tuple, in order', () => {
    const { message } = resultsMessage([values(7, 0, 0.25, [49]), values(5, 0, 0.5, ['x']), values(9, 4, 1, [null])], 'v8');
    expect(message).toEqual(['value', 7, 0, 0.25, 49, 5, 0, 0.5, 'x', 9, 4, 1, null]);
    expect(decodeMessage(across(message, 'v8'))).toEqual({
      t: 'results',
      results: [
        { job: 7, index: 0, ms: 0.25, outcome: { kind: 'values', values: [49] } },
        { job: 5, index: 0, ms: 0.5, outcome: { kind: 'values', values: ['x'] } },
        { job: 9, index: 4, ms: 1, outcome: { kind: 'values', values: [null] } },
      ],
    });
  });

  test('a tuple with an unknown tag or a broken length fails loudly on either side', () => {
    expect(() => decodeMessage(['nonsense', 1, 0, 0, 1] as unknown as FromWorker)).toThrow(/multipool engine: unknown protocol message/);
    expect(() => openBatch(['nonsense', 1, 0, 1, 0, 1, -1] as unknown as CallTuple)).toThrow(/multipool worker: unknown protocol message/);
    expect(() => decodeMessage(['value', 1, 0, 0] as unknown as FromWorker)).toThrow(/multipool engine: unknown protocol message/);
    expect(() => openBatch(['call', 1, 0, 1, 0, 1] as unknown as CallTuple)).toThrow(/multipool worker: unknown protocol message/);
  });
});

describe('runs of numbers', () => {
  /** NUMBER_RUN_MIN numbers, with the ones that must survive as themselves among them. */
  const numbers = (from = 0): number[] => [-0, NaN, Infinity, -Infinity, 0.1, 2 ** 53, ...Array.from({ length: NUMBER_RUN_MIN - 6 }, (_, i) => from + i)];

  /** The message as it arrives at the other end of `crossing`: v8 serialization or structured clone. */
  /** Element by element with Object.is, so -0 and NaN count. */
  function expectSame(got: readonly unknown[], want: readonly unknown[]): void {
    expect(got.length).toBe(want.length);
    want.forEach((value, i) => expect(Object.is(got[i], value)).toBe(true));
  }

  test.each<Crossing>(['v8', 'clone'])('a run of numbers crosses %s as one Float64Array and opens as the chunks it was, each reading its part', (crossing) => {
    const defOf = definitions(double);
    const sent = [chunk(1, 0, numbers()), chunk(1, NUMBER_RUN_MIN, numbers(100))];
    const { message: batch } = batchMessage(sent, defOf, new Set(), crossing);
    const { message } = crossingBatch(batch, crossing);
    const runs = (message as Extract<ToWorker, { t: 'batch' }>).chunks;
    expect(runs.length).toBe(1);
    expect(runs[0]!.items).toBeInstanceOf(Float64Array);
    const opened = openBatch(across(message as Extract<ToWorker, { t: 'batch' }>, crossing)).chunks;
    expect(opened.map(({ index }) => index)).toEqual([0, NUMBER_RUN_MIN]);
    // The worker reads each chunk's numbers from its part of the block, uncopied.
    expectSame(Array.from(opened[0]!.items), sent[0]!.items);
    expectSame(Array.from(opened[1]!.items), sent[1]!.items);
    expect(opened[1]!.items).toBeInstanceOf(Float64Array);
  });

  test('one-item chunks of numbers cross as one block and open as arrays of their own', () => {
    const defOf = definitions(double);
    const sent = numbers().map((x, i) => chunk(1, i, [x]));
    const { message } = batchMessage(sent, defOf, new Set(), 'v8');
    expect(message.chunks[0]!.items).toBeInstanceOf(Float64Array);
    const opened = openBatch(across(message, 'v8')).chunks;
    expect(opened.every(({ items }) => Array.isArray(items) && items.length === 1)).toBe(true);
    expectSame(opened.map(({ items }) => items[0]), numbers());
  });

  test('a run with one value that is not a number, or with fewer numbers than the minimum, stays an array', () => {
    const defOf = definitions(double);
    const items = (chunks: Chunk[]): PackedChunks['items'] | undefined => batchMessage(chunks, defOf, new Set(), 'v8').message.chunks[0]?.items;
    expect(Array.isArray(items([chunk(1, 0, [...numbers(), '7'])]))).toBe(true);
    expect(Array.isArray(items([chunk(1, 0, [...numbers(), 1n])]))).toBe(true);
    expect(Array.isArray(items([chunk(1, 0, numbers().slice(1))]))).toBe(true);

    // A hole reads as undefined, which is not a number.
    const holey = numbers();
    holey.length += 1;
    expect(Array.isArray(items([chunk(1, 0, holey)]))).toBe(true);
  });

  test('a batch that stays in this process keeps its arrays, and a run of one chunk is that chunk\'s array', () => {
    const defOf = definitions(double);
    const sent = chunk(1, 0, numbers());
    const { message } = batchMessage([sent], defOf, new Set());
    expect(message.chunks[0]!.items).toBe(sent.items);
    expect(unpackChunks(message.chunks)[0]!.items).toBe(sent.items);
  });

  test.each<Crossing>(['v8', 'clone'])('numbers a worker sends back across %s decode run by run and in place, a long chunk as a view of its block', (crossing) => {
    const first = numbers();
    const second = numbers(1000).map((x) => x * 1.5);
    const { message } = resultsMessage([values(2, 0, 1, first), values(2, NUMBER_RUN_MIN, 3, second), thrown(2, 2 * NUMBER_RUN_MIN, 1, new Error('x'))], crossing);
    const packed = (message as Extract<FromWorker, { t: 'results' }>).results;
    expect(packed[0]).toMatchObject({ kind: 'run' });
    expect((packed[0] as { values: unknown }).values).toBeInstanceOf(Float64Array);
    const decoded = decodeMessage(across(message, crossing));
    if (decoded.t !== 'results') throw new Error(`expected results, got ${decoded.t}`);
    const [a, b, c] = decoded.results;
    expect([a?.index, a?.ms, b?.index, b?.ms, c?.outcome.kind]).toEqual([0, 2, NUMBER_RUN_MIN, 2, 'error']);
    if (a?.outcome.kind !== 'values' || b?.outcome.kind !== 'values') throw new Error('expected values');
    // Read where they arrived: the map that gets them copies them once, into its result.
    expect(a.outcome.values).toBeInstanceOf(Float64Array);
    expect(b.outcome.values).toBeInstanceOf(Float64Array);
    expectSame(Array.from(a.outcome.values), first);
    expectSame(Array.from(b.outcome.values), second);
  });

  test('a short chunk of a run of numbers decodes as an array of its own', () => {
    const { message } = resultsMessage([values(2, 0, 1, [1.5]), values(2, 1, 1, numbers())], 'v8');
    const decoded = decodeMessage(across(message, 'v8'));
    if (decoded.t !== 'results') throw new Error(`expected results, got ${decoded.t}`);
    const [short] = decoded.results;
    if (short?.outcome.kind !== 'values') throw new Error('expected values');
    expect(short.outcome.values).toEqual([1.5]);
    expect(Array.isArray(short.outcome.values)).toBe(true);
  });

  test('a block of numbers a worker filled is sent as it is, and consecutive blocks as one', () => {
    const block = Float64Array.from(numbers(), (x) => x * 1.5);
    const alone = resultsMessage([values(3, 0, 1, block)], 'v8').message as Extract<FromWorker, { t: 'results' }>;
    expect((alone.results[0] as { values: unknown }).values).toBe(block);
    const next = Float64Array.from(numbers(), (x) => -x);
    const joined = resultsMessage([values(3, 0, 1, block), values(3, NUMBER_RUN_MIN, 1, next)], 'clone').message;
    const decoded = decodeMessage(across(joined, 'clone'));
    if (decoded.t !== 'results') throw new Error(`expected results, got ${decoded.t}`);
    const [a, b] = decoded.results;
    if (a?.outcome.kind !== 'values' || b?.outcome.kind !== 'values') throw new Error('expected values');
    expectSame(Array.from(a.outcome.values), Array.from(block));
    expectSame(Array.from(b.outcome.values), Array.from(next));
  });

  test('results that stay in this process keep their arrays', () => {
    const first = numbers();
    const { message } = resultsMessage([values(2, 0, 1, first), values(2, NUMBER_RUN_MIN, 1, numbers())], 'reference');
    const packed = (message as Extract<FromWorker, { t: 'results' }>).results;
    expect(Array.isArray((packed[0] as { values: unknown }).values)).toBe(true);
  });
});
