/** Type tests of the shared primitives: `npm run typecheck` compiles this file; the runtime part checks the same values. */
import { Manager, Queue, RawArray, SharedArray, Value } from 'multipool';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_ok?: T): void {}

test('element types follow the typecode: BigInt for q/Q, number otherwise', async () => {
  const big = new Value('q', 5n);
  assertType<Equals<typeof big.value, bigint>>();
  const small = new Value('i', 5);
  assertType<Equals<Awaited<ReturnType<typeof small.get>>, number>>();
  const floats = new SharedArray('d', [0.5]);
  assertType<Equals<typeof floats.view, Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array>>();
  const bigs = new RawArray('Q', 2);
  assertType<Equals<Awaited<ReturnType<typeof bigs.toArray>>, bigint[]>>();
  // @ts-expect-error a q value is a BigInt
  expect(() => new Value('q', 1)).toThrow(TypeError);
  // @ts-expect-error an i value is a number
  expect(() => new Value('i', 1n)).toThrow(TypeError);
  expect([big.value, await small.get(), floats.view[0], await bigs.toArray()]).toEqual([5n, 5, 0.5, [0n, 0n]]);
});

test('queue and Manager proxies carry their item types', async () => {
  const q = new Queue<{ url: string }>();
  // @ts-expect-error the item type is fixed by the queue
  await expect(q.put(5).then(() => q.get())).resolves.toBe(5);
  await using manager = new Manager();
  const d = manager.dict<string, number>();
  const got = d.get('a', 0);
  assertType<Equals<typeof got, Promise<number | undefined>>>();
  const l = manager.list<string>();
  const popped = l.pop();
  assertType<Equals<typeof popped, Promise<string>>>();
  popped.catch(() => {});
  await expect(got).resolves.toBe(0);
});
