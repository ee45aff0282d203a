/** Who owns a primitive: the thread or process that made it, even a worker; its end is the primitive's end. */
import { InvalidStateError, Queue, task } from 'multipool';

import { getFromOwnQueue, makeQueueHere } from './fixtures/tasks.js';
import { withinSeconds } from './support/helpers.js';
import type { Side } from './support/sides.js';
import { sidePool, SIDES, STEP_LIMIT } from './support/sides.js';

const tasks = new URL('./fixtures/tasks.ts', import.meta.url);
const within = <T>(promise: Promise<T>, what: string): Promise<T> => withinSeconds(STEP_LIMIT, promise, what);

describe.each(SIDES)('made in a worker (%s)', (side: Side) => {
  test('a Queue made in a worker serves the main process while the worker lives, then rejects with InvalidStateError', async () => {
    await using pool = sidePool(side, 1);
    const queue = await within(pool.apply(task(tasks, makeQueueHere)), 'make the queue');
    expect(queue).toBeInstanceOf(Queue);
    await queue.put(7);
    expect(await within(pool.apply(task(tasks, getFromOwnQueue)), 'get in the owner')).toBe(7);
    const pending = queue.get().then(() => 'resolved', (error: unknown) => error);
    await within(pool.terminate(), 'terminate');
    expect(await within(pending, 'the pending get')).toBeInstanceOf(InvalidStateError);
    await expect(within(queue.put(8), 'a later put')).rejects.toThrow(/The owner of this shared primitive .* is gone/);
  });
});
