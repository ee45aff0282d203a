/**
 * Handles on their own: a shareable object inside a value is found by the value walk, replaced by a marked
 * record (containers on the way copied, the rest untouched), and revived in place by its kind's reviver.
 */
import { refuseUnsendable } from '../../dist/runtime/codec.js';
import type { Handle } from '../../dist/runtime/handles.js';
import { encodeHandles, registerReviver, reviveHandles, TO_HANDLE } from '../../dist/runtime/handles.js';
import { Gather } from '../../dist/runtime/values.js';

class Token {
  constructor(readonly n: number) {}

  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return { kind: 'unit-token', id: this.n, owner: 'nowhere', pid: process.pid, module: import.meta.url, state: { crossing } };
  }
}

registerReviver('unit-token', (handle) => new Token(handle.id * 10));

/** Whether the value walk saw a shareable in `values` (it throws at anything it refuses). */
function sawShareable(values: unknown[]): boolean {
  const gather = new Gather('v8');
  refuseUnsendable(values, gather);
  return gather.handles;
}

test('the value walk lets a shareable pass and says it saw one; a message without one says so too', () => {
  expect(sawShareable([1, { a: [new Token(1)] }])).toBe(true);
  expect(sawShareable([1, { a: [2] }, new Map([[1, new Set([3])]])])).toBe(false);
});

test('encodeHandles copies only containers and replaces each shareable by a record; reviveHandles brings them back', async () => {
  const buffer = Buffer.from('x');
  const value = { list: [new Token(1), 2], map: new Map([['k', new Token(2)]]), set: new Set([new Token(3)]), buffer };
  const [encoded] = encodeHandles([value], 'v8') as [typeof value];
  expect(encoded).not.toBe(value);
  expect(encoded.buffer).toBe(buffer);
  expect(value.list[0]).toBeInstanceOf(Token);
  expect(encoded.list[0]).not.toBeInstanceOf(Token);
  expect(JSON.stringify(encoded.list[0])).toContain('"crossing":"v8"');
  const received = structuredClone([encoded]);
  await reviveHandles(received);
  const [back] = received as [typeof value];
  expect(back.list).toEqual([new Token(10), 2]);
  expect(back.map.get('k')).toEqual(new Token(20));
  expect([...back.set]).toEqual([new Token(30)]);
});

test('a handle whose kind nobody registers is a clear TypeError', async () => {
  const record = { __multipoolHandle__: { kind: 'unit-nobody', id: 1, owner: 'x', pid: 1, module: import.meta.url } };
  await expect(reviveHandles([record])).rejects.toThrow(/no reviver for a shared unit-nobody/);
});
