import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createLoginStateStore, LOGIN_STATE_TTL_MS } from './login-states.ts';

describe('login states', () => {
  let store: TestStore;
  let t = Date.parse('2026-03-15T10:00:00.000Z');
  const clock = { now: () => new Date(t) };
  const login = { population: 'patient' as const, nonce: 'n', codeVerifier: 'v' };
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.dispose();
  });

  it('gives a login back once, to the browser that started it', async () => {
    const states = createLoginStateStore({ db: store.db, clock });
    await states.save('s1', 'browser-1', login);
    assert.deepEqual(await states.consume('s1', 'browser-1', 'patient'), { status: 'ok', login });
    assert.deepEqual(await states.consume('s1', 'browser-1', 'patient'), { status: 'unknown' });
    await states.save('s2', 'browser-1', login);
    assert.deepEqual(await states.consume('s2', 'browser-2', 'patient'), { status: 'other-browser' });
    assert.deepEqual(await states.consume('s2', 'browser-1', 'patient'), { status: 'unknown' }, 'burnt');
    await states.save('s3', 'browser-1', login);
    assert.deepEqual(await states.consume('s3', 'browser-1', 'professional'), { status: 'other-population' });
    const row = await store.db.selectFrom('auth_login_states').selectAll().execute();
    assert.equal(row.length, 0);
  });

  it('expires after ten minutes', async () => {
    const states = createLoginStateStore({ db: store.db, clock });
    await states.save('s4', 'b', login);
    t += LOGIN_STATE_TTL_MS;
    assert.deepEqual(await states.consume('s4', 'b', 'patient'), { status: 'expired' });
  });
});
