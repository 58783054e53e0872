import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createRateLimiter } from './rate-limit.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

test('an account’s failures count per address; an address’s failures count whatever the account', async () => {
  const clock = { now: () => new Date('2026-03-15T10:00:00.000Z') };
  const throttle = createLoginThrottle({
    limiter: createRateLimiter({ db: store.db, clock, windowMinutes: 15 }),
    limits: { perIp: 3, perAccount: 2 },
  });
  const account = { population: 'professional', id: '810002314577' } as const;
  await throttle.failed('203.0.113.66', account);
  await throttle.failed('203.0.113.66', account);
  assert.deepEqual(await throttle.check('203.0.113.66', account), { allowed: false, retryAfterSeconds: 900 });
  assert.deepEqual(await throttle.check('203.0.113.66'), { allowed: true }, 'other accounts from there');
  assert.deepEqual(await throttle.check('198.51.100.7', account), { allowed: true }, 'the account elsewhere');
  await throttle.failed('203.0.113.66');
  assert.equal((await throttle.check('203.0.113.66')).allowed, false, 'the address, at its own limit');
  assert.deepEqual(await throttle.check('198.51.100.7', account), { allowed: true });
});
