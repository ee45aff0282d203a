/**
 * What a worker answers for a chunk that ran: a per-item chunk (Executor.map) with no failed item is answered
 * as a plain chunk, so its values travel as plain values do; one with a failed item keeps the failures by index.
 */
import type { WireChunk } from '../../dist/runtime/protocol.js';
import { failed, succeeded } from '../../dist/runtime/worker/outcomes.js';

const chunk = (perItem: boolean): WireChunk => ({ job: 3, index: 10, fn: 1, items: [1, 2, 3], star: false, perItem });

test('a per-item chunk in which nothing failed is answered with its values, as a plain chunk', () => {
  const outcome = succeeded(chunk(true), 0, [1, 4, 9]);
  expect(outcome).toMatchObject({ job: 3, index: 10, kind: 'values', values: [1, 4, 9] });
  expect(outcome.ms).toBeGreaterThanOrEqual(0);
});

test('a per-item chunk with a failed item keeps the failure at its index', () => {
  const thrown = { raw: 'boom' };
  const outcome = succeeded(chunk(true), 0, [1, undefined, 9], [[1, thrown]]);
  expect(outcome).toMatchObject({ kind: 'items', values: [1, undefined, 9], errors: [[1, thrown]] });
});

test('a plain chunk is answered with its values; a failed one with what it threw', () => {
  expect(succeeded(chunk(false), 0, [1, 4, 9])).toMatchObject({ kind: 'values', values: [1, 4, 9] });
  expect(failed(chunk(false), 0, { raw: 'boom' })).toMatchObject({ job: 3, index: 10, kind: 'error', raw: 'boom' });
});
