import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom, mix32 } from './random.ts';

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and differs for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    const seqB = Array.from({ length: 20 }, () => b.next());
    const seqC = Array.from({ length: 20 }, () => c.next());
    assert.deepEqual(seqA, seqB);
    assert.notDeepEqual(seqA, seqC);
  });

  it('keeps next() in [0, 1) and int() within its inclusive bounds, reaching both ends', () => {
    const random = createRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i += 1) {
      const x = random.next();
      assert.ok(x >= 0 && x < 1);
      const n = random.int(-2, 3);
      assert.ok(Number.isInteger(n) && n >= -2 && n <= 3);
      seen.add(n);
    }
    assert.deepEqual(
      [...seen].sort((p, q) => p - q),
      [-2, -1, 0, 1, 2, 3],
    );
  });

  it('picks only elements of the array, and chance(p) is true about p of the time', () => {
    const random = createRandom(1);
    const items = ['a', 'b', 'c'] as const;
    for (let i = 0; i < 100; i += 1) assert.ok(items.includes(random.pick(items)));
    let hits = 0;
    for (let i = 0; i < 10_000; i += 1) if (random.chance(0.3)) hits += 1;
    assert.ok(hits > 2700 && hits < 3300, `chance(0.3) hit ${hits} times out of 10,000`);
    assert.equal(random.chance(0), false);
    assert.equal(random.chance(1), true);
  });

  it('shuffles into a permutation, and refuses empty picks and inverted ranges', () => {
    const random = createRandom(3);
    const shuffled = random.shuffle([1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...shuffled].sort(), [1, 2, 3, 4, 5, 6]);
    assert.throws(() => random.pick([]), RangeError);
    assert.throws(() => random.int(5, 4), RangeError);
  });

  it('mix32 gives unsigned 32-bit values', () => {
    for (const v of [0, 1, -1, 2 ** 31, 123456789]) {
      const m = mix32(v);
      assert.ok(Number.isInteger(m) && m >= 0 && m < 2 ** 32);
    }
    assert.notEqual(mix32(1), mix32(2));
  });
});
