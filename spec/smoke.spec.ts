import { Pool, ThreadPool } from 'multipool';

describe.each([
  ['process', Pool],
  ['thread', ThreadPool],
] as const)('%s smoke', (_name, P) => {
  test('map squares', async () => {
    await using pool = new P(2);
    expect(await pool.map((x: number) => x * x, [1, 2, 3])).toEqual([1, 4, 9]);
  });
});
