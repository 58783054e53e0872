import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createRateLimiter } from './rate-limit.ts';

describe('rate limiter', () => {
  let store: TestStore;
  let t = Date.parse('2026-03-15T10:00:00.000Z');
  const clock = { now: () => new Date(t) };
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.dispose();
  });

  it('allows `limit` attempts per window, then says when to come back', async () => {
    const limiter = createRateLimiter({ db: store.db, clock, windowMinutes: 10 });
    for (let i = 0; i < 3; i++) assert.deepEqual(await limiter.hit('ip:a', 3), { allowed: true });
    assert.deepEqual(await limiter.check('ip:a', 3), { allowed: false, retryAfterSeconds: 600 });
    t += 90_000;
    assert.deepEqual(await limiter.hit('ip:a', 3), { allowed: false, retryAfterSeconds: 510 });
    assert.deepEqual(await limiter.hit('ip:b', 3), { allowed: true }, 'buckets are independent');
    t += 510_000;
    assert.deepEqual(await limiter.check('ip:a', 3), { allowed: true });
    assert.deepEqual(await limiter.hit('ip:a', 3), { allowed: true }, 'a new window starts');
  });

  it('counts concurrent attempts exactly once each, across limiter instances', async () => {
    const a = createRateLimiter({ db: store.db, clock, windowMinutes: 10 });
    const b = createRateLimiter({ db: store.db, clock, windowMinutes: 10 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).hit('account:x', 4)),
    );
    assert.equal(results.filter((r) => r.allowed).length, 4);
  });
});
