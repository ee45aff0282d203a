/** The ring under a queue on its own: order across the wrap, fit, and a holder that died mid-write. */
import { allocRing, QueueRing, RING_BYTES } from '../../dist/sync/ring.js';

const item = (text: string): { bytes: Buffer; shared: boolean } => ({ bytes: Buffer.from(text), shared: false });

/** Word 6 of the ring's header is its item count (ring.ts): set by hand to stand for a write cut short. */
const COUNT_WORD = 6;

describe('QueueRing', () => {
  test('items come out in order and whole across the end of the ring', () => {
    const ring = new QueueRing(allocRing());
    const big = 'x'.repeat(RING_BYTES / 3);
    const out: string[] = [];
    expect(ring.lock(1)).toBe(true);
    for (let round = 0; round < 7; round++) {
      ring.write(item(`${round}${big}`));
      ring.write(item(`${round}`));
      out.push(ring.read().bytes.toString(), ring.read().bytes.toString());
    }
    ring.unlock();
    expect(out.map((text) => `${text[0]}:${text.length}`)).toEqual(Array.from({ length: 7 }, (_, round) => [`${round}:${big.length + 1}`, `${round}:1`]).flat());
    expect(ring.count).toBe(0);
  });

  test('fits() refuses an item larger than the room left, and the last byte', () => {
    const ring = new QueueRing(allocRing());
    expect(ring.fits(RING_BYTES)).toBe(false);
    expect(ring.fits(RING_BYTES - 8)).toBe(true);
    expect(ring.lock(1)).toBe(true);
    ring.write(item('y'.repeat(RING_BYTES / 2)));
    expect(ring.fits(RING_BYTES / 2)).toBe(false);
    expect(ring.fits(RING_BYTES / 4)).toBe(true);
    ring.unlock();
  });

  test('releaseLockOf() a dead holder frees the lock and rebuilds the count it left half-stored', () => {
    const ring = new QueueRing(allocRing());
    expect(ring.lock(7)).toBe(true);
    ring.write(item('kept'));
    ring.write(item('cut short'));
    // The holder died after storing TAIL and before the count.
    Atomics.store(new Int32Array(ring.memory), COUNT_WORD, 1);
    expect(ring.lock(8)).toBe(false);
    ring.releaseLockOf(7);
    expect(ring.count).toBe(2);
    expect(ring.lock(8)).toBe(true);
    expect([ring.read().bytes.toString(), ring.read().bytes.toString()]).toEqual(['kept', 'cut short']);
    ring.unlock();
  });

  test('releaseLockOf() another agent leaves the lock to its holder', () => {
    const ring = new QueueRing(allocRing());
    expect(ring.lock(7)).toBe(true);
    ring.releaseLockOf(9);
    expect(ring.lock(9)).toBe(false);
    ring.unlock();
  });
});
