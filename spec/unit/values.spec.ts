/** The walk that finds class instances (refused) and Buffers (restored) before values cross a boundary. */
import { runInNewContext } from 'node:vm';

import { findLostClass, Gather, lostClassMessage, restoreBuffers } from '../../dist/runtime/values.js';

class Point {
  constructor(readonly x: number) {}
}

test('plain data, built-ins, errors and null-prototype objects hold no class instance', () => {
  const bare = Object.create(null) as Record<string, unknown>;
  bare.when = new Date(0);
  const values = [1, 'a', null, undefined, 2n, [1, [2, { a: /x/ }]], new Map([[1, new Set([new Uint8Array(2)])]]), new TypeError('t'), bare, new ArrayBuffer(1)];
  expect(findLostClass(values)).toBeNull();
  // Objects of another realm (a vm context) are built-ins there.
  expect(findLostClass([runInNewContext('({ list: [new Map(), new Date()] })')])).toBeNull();
});

test('a class instance is found anywhere: nested, as a Map key, in a Set, behind a cycle', () => {
  const p = new Point(1);
  expect(findLostClass([p])).toBe(p);
  expect(findLostClass([{ a: [{ b: p }] }])).toBe(p);
  expect(findLostClass([new Map([[p, 1]])])).toBe(p);
  expect(findLostClass([new Set([p])])).toBe(p);
  const cyclic: { self?: unknown; p?: Point } = {};
  cyclic.self = cyclic;
  cyclic.p = p;
  expect(findLostClass([cyclic])).toBe(p);
  expect(findLostClass([Object.create({ greet: () => 'hi' }) as object])).not.toBeNull();
});

test('values too deep or too shared for a tree walk are walked once per object', () => {
  let deep: unknown = { p: new Point(2) };
  for (let i = 0; i < 10_000; i++) deep = { next: deep };
  expect(findLostClass([deep])).toBeInstanceOf(Point);
  let shared: unknown[] = [Buffer.from('x')];
  for (let i = 0; i < 40; i++) shared = [shared, shared];
  const gather = new Gather('clone');
  expect(findLostClass([shared], gather)).toBeNull();
  expect(gather.buffers).toHaveLength(1);
});

test('Buffers are listed, and a Uint8Array given back Buffer.prototype is a Buffer over the same memory', () => {
  const a = Buffer.from('a');
  const gather = new Gather('clone');
  expect(findLostClass([{ list: [a, new Uint8Array(1)] }, new Map([[Buffer.from('k'), 1]])], gather)).toBeNull();
  expect(gather.buffers).toHaveLength(2);
  const view = new Uint8Array([104, 105]);
  restoreBuffers([view]);
  expect(Buffer.isBuffer(view)).toBe(true);
  expect((view as Buffer).toString()).toBe('hi');
  view[0] = 72;
  expect((view as Buffer).toString()).toBe('Hi');
});

test('the message names the class, says whether it is nested, and gives the fix', () => {
  const p = new Point(1);
  expect(lostClassMessage(p, p)).toMatch(/^it is a Point instance, which would arrive as a plain object .* task\(import\.meta\.url, fn\)/);
  expect(lostClassMessage([p], p)).toMatch(/^it holds a Point instance/);
  const url = new URL('http://example.com/');
  expect(lostClassMessage(url, url)).toMatch(/^it is a URL instance/);
});
