/** The walk that finds class instances (refused) and Buffers (restored) before values cross a boundary. */
import { runInNewContext } from 'node:vm';
import { MessageChannel } from 'node:worker_threads';

import { move } from 'multipool';

import { findRefused, Gather, refusalMessage, restoreBuffers } from '../../dist/runtime/values.js';

class Point {
  constructor(readonly x: number) {}
}

test('plain data, built-ins, errors and null-prototype objects hold no class instance', () => {
  const bare = Object.create(null) as Record<string, unknown>;
  bare.when = new Date(0);
  const values = [1, 'a', null, undefined, 2n, [1, [2, { a: /x/ }]], new Map([[1, new Set([new Uint8Array(2)])]]), new TypeError('t'), bare, new ArrayBuffer(1)];
  expect(findRefused(values)).toBeNull();
  // Objects of another realm (a vm context) are built-ins there.
  expect(findRefused([runInNewContext('({ list: [new Map(), new Date()] })')])).toBeNull();
});

test('a class instance is found anywhere: nested, as a Map key, in a Set, behind a cycle', () => {
  const p = new Point(1);
  expect(findRefused([p])).toBe(p);
  expect(findRefused([{ a: [{ b: p }] }])).toBe(p);
  expect(findRefused([new Map([[p, 1]])])).toBe(p);
  expect(findRefused([new Set([p])])).toBe(p);
  const cyclic: { self?: unknown; p?: Point } = {};
  cyclic.self = cyclic;
  cyclic.p = p;
  expect(findRefused([cyclic])).toBe(p);
  expect(findRefused([Object.create({ greet: () => 'hi' }) as object])).not.toBeNull();
});

test('values too deep or too shared for a tree walk are walked once per object', () => {
  let deep: unknown = { p: new Point(2) };
  for (let i = 0; i < 10_000; i++) deep = { next: deep };
  expect(findRefused([deep])).toBeInstanceOf(Point);
  let shared: unknown[] = [Buffer.from('x')];
  for (let i = 0; i < 40; i++) shared = [shared, shared];
  const gather = new Gather('clone');
  expect(findRefused([shared], gather)).toBeNull();
  expect(gather.buffers).toHaveLength(1);
});

test('a walk that gives up forgets only what it gathered itself, not what earlier walks into the same Gather found', () => {
  const gather = new Gather('clone');
  const first = Buffer.from('first');
  const moved = move(new ArrayBuffer(8));
  expect(findRefused([{ first, moved }], gather)).toBeNull();
  const cyclic: Record<string, unknown> = { own: Buffer.from('own') };
  cyclic.self = cyclic;
  expect(findRefused([cyclic], gather)).toBeNull();
  expect(gather.buffers).toHaveLength(2);
  expect(gather.buffers?.[0]).toBe(first);
  expect(gather.moved).toEqual([moved]);
});

test('Buffers are listed, and a Uint8Array given back Buffer.prototype is a Buffer over the same memory', () => {
  const a = Buffer.from('a');
  const gather = new Gather('clone');
  expect(findRefused([{ list: [a, new Uint8Array(1)] }, new Map([[Buffer.from('k'), 1]])], gather)).toBeNull();
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
  expect(refusalMessage(p, p, 'clone')).toMatch(/^it is a Point instance, which would arrive as a plain object .* task\(import\.meta\.url, fn\)/);
  expect(refusalMessage([p], p, 'v8')).toMatch(/^it holds a Point instance/);
  const url = new URL('http://example.com/');
  expect(refusalMessage(url, url, 'clone')).toMatch(/^it is a URL instance/);
});

test('values marked by move() are gathered once each, views by their buffer, and never without a gather', () => {
  const buffer = new ArrayBuffer(8);
  const first = new Uint8Array(buffer, 0, 4);
  const second = new Uint8Array(buffer, 4, 4);
  const plain = new Float64Array(1);
  move(first);
  const gather = new Gather('clone');
  expect(findRefused([{ first, second }, [buffer], plain], gather)).toBeNull();
  expect(gather.moved).toEqual([buffer]);
  expect(findRefused([first])).toBeNull();
});

test('shared memory and ports are refused on the way to a child process; a port to a thread only when not moved', () => {
  const view = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  try {
    expect(findRefused([{ deep: [view] }], new Gather('v8'))).toBe(view);
    expect(findRefused([view.buffer], new Gather('v8'))).toBe(view.buffer);
    expect(findRefused([view], new Gather('clone'))).toBeNull();
    expect(findRefused([port1], new Gather('v8'))).toBe(port1);
    expect(findRefused([port1], new Gather('clone'))).toBe(port1);
    const gather = new Gather('clone');
    expect(findRefused([move(port1)], gather)).toBeNull();
    expect(gather.moved).toEqual([port1]);
    expect(findRefused([port2, view], new Gather('reference'))).toBeNull();
  } finally {
    port1.close();
    port2.close();
  }
});

test('the message for shared memory or a port says what it is and to use a ThreadPool or move()', () => {
  const view = new Int32Array(new SharedArrayBuffer(8));
  expect(refusalMessage([view], view, 'v8')).toMatch(/^it holds an Int32Array over a SharedArrayBuffer, which a child process cannot share .* Use a ThreadPool/);
  expect(refusalMessage(view.buffer, view.buffer, 'v8')).toMatch(/^it is a SharedArrayBuffer, which/);
  const { port1, port2 } = new MessageChannel();
  try {
    expect(refusalMessage(port1, port1, 'v8')).toMatch(/^it is a MessagePort, which cannot go to a child process .* Use a ThreadPool/);
    expect(refusalMessage({ port1 }, port1, 'clone')).toMatch(/^it holds a MessagePort, which a thread can only get by transfer: pass move\(port\)/);
  } finally {
    port1.close();
    port2.close();
  }
});
