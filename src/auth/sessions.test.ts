import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import type { Clock } from '../time/clock.ts';
import type { PatientIdentity, ProfessionalIdentity } from './identity.ts';
import { createSessionStore, csrfTokenFor, type SessionStore, sessionEnd } from './sessions.ts';

/** A clock the test moves by hand. */
function manualClock(start: string): Clock & { advance(ms: number): void } {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
  };
}

const MINUTE = 60_000;
const patient: PatientIdentity = {
  population: 'patient',
  matricule: '288067511221457',
  givenNames: 'Camille',
  familyName: 'Martin',
};
const pro: ProfessionalIdentity = {
  population: 'professional',
  rpps: '10002314577',
  givenName: 'Claire',
  familyName: 'Dubois',
};

describe('sessions', () => {
  let store: TestStore;
  let clock: ReturnType<typeof manualClock>;
  let sessions: SessionStore;

  before(async () => {
    store = await openTestStore();
    clock = manualClock('2026-03-15T10:00:00.000Z');
    sessions = createSessionStore({
      db: store.db,
      clock,
      policy: { idleMinutes: { patient: 20, professional: 30 }, maxHours: 2 },
    });
  });
  after(async () => {
    await store.dispose();
  });

  it('creates random 256-bit ids and stores only their hash', async () => {
    const a = await sessions.create(patient);
    const b = await sessions.create(patient);
    assert.notEqual(a.id, b.id);
    assert.ok(Buffer.from(a.id, 'base64url').length >= 16);
    const rows = await store.db.selectFrom('auth_sessions').selectAll().execute();
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(a.id) && !dump.includes(b.id), 'the id itself is never stored');
    assert.ok(!dump.includes(a.session.csrfToken), 'the CSRF token is derived, never stored');
    assert.equal(a.session.csrfToken, csrfTokenFor(a.id));
    assert.notEqual(a.session.csrfToken, b.session.csrfToken);
  });

  it('resolves a live session to its identity', async () => {
    const { id } = await sessions.create(pro);
    const found = await sessions.resolve(id);
    assert.equal(found.status, 'active');
    assert.ok(found.status === 'active');
    assert.deepEqual(found.session.identity, pro);
    assert.deepEqual(await sessions.resolve('not-a-session'), { status: 'unknown' });
  });

  it('slides last_seen_at, writing at most once a minute', async () => {
    const { id } = await sessions.create(patient);
    const lastSeen = async () => {
      const found = await sessions.resolve(id);
      assert.ok(found.status === 'active');
      return found.session.lastSeenAt;
    };
    const first = await lastSeen();
    clock.advance(30_000);
    assert.equal(await lastSeen(), first, 'not rewritten within the minute');
    clock.advance(31_000);
    assert.equal(await lastSeen(), clock.now().toISOString());
  });

  it('expires after the idle period of its population, reported once', async () => {
    const p = await sessions.create(patient);
    const q = await sessions.create(pro);
    clock.advance(20 * MINUTE);
    const expired = await sessions.resolve(p.id);
    assert.deepEqual(expired, { status: 'expired', identity: patient, reason: 'idle' });
    assert.deepEqual(await sessions.resolve(p.id), { status: 'unknown' });
    // The professional's idle period is 30 minutes: still alive, and now refreshed.
    assert.equal((await sessions.resolve(q.id)).status, 'active');
  });

  it('expires at the absolute limit however active it is', async () => {
    const { id } = await sessions.create(pro);
    for (let i = 0; i < 7; i++) {
      clock.advance(15 * MINUTE);
      assert.equal((await sessions.resolve(id)).status, 'active');
    }
    clock.advance(15 * MINUTE);
    const found = await sessions.resolve(id);
    assert.equal(found.status, 'expired');
    assert.ok(found.status === 'expired' && found.reason === 'absolute');
  });

  it('alive: a counter’s open stream counts as activity up to the absolute limit, a patient’s does not', async () => {
    const counter = await sessions.create(pro);
    const tab = await sessions.create(patient);
    // Heartbeats only, no request.
    for (let i = 0; i < 7; i++) {
      clock.advance(15 * MINUTE);
      assert.equal(await sessions.alive(counter.id, { countsAsActivity: true }), true);
      if (i === 0) assert.equal(await sessions.alive(tab.id, { countsAsActivity: false }), true);
    }
    assert.equal((await sessions.resolve(counter.id)).status, 'active');
    assert.equal(
      await sessions.alive(tab.id, { countsAsActivity: false }),
      false,
      'the patient tab idled out',
    );
    clock.advance(15 * MINUTE);
    assert.equal(
      await sessions.alive(counter.id, { countsAsActivity: true }),
      false,
      'past SESSION_MAX_HOURS',
    );
    assert.equal(await sessions.alive('not-a-session', { countsAsActivity: true }), false);
  });

  it('destroy ends the session for every reader', async () => {
    const { id } = await sessions.create(patient);
    const other = createSessionStore({
      db: store.db,
      clock,
      policy: { idleMinutes: { patient: 20, professional: 30 }, maxHours: 2 },
    });
    assert.equal((await other.resolve(id)).status, 'active');
    assert.deepEqual(await sessions.destroy(id), patient);
    assert.deepEqual(await other.resolve(id), { status: 'unknown' });
    assert.equal(await sessions.destroy(id), null);
  });

  it('sessionEnd names the first limit reached', () => {
    const policy = { idleMinutes: { patient: 30, professional: 30 }, maxHours: 12 };
    const row = {
      population: 'patient' as const,
      last_seen_at: '2026-03-15T10:00:00.000Z',
      expires_at: '2026-03-15T22:00:00.000Z',
    };
    assert.equal(sessionEnd(row, new Date('2026-03-15T10:29:59.999Z'), policy), null);
    assert.equal(sessionEnd(row, new Date('2026-03-15T10:30:00.000Z'), policy), 'idle');
    assert.equal(
      sessionEnd(
        { ...row, last_seen_at: '2026-03-15T21:50:00.000Z' },
        new Date('2026-03-15T22:00:00.000Z'),
        policy,
      ),
      'absolute',
    );
  });
});
