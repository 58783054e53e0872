import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { resetAuditTrail } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { createAuditTrail } from './chained-trail.ts';
import { clientPrefix } from './client-prefix.ts';
import { createRefusalRecorder, type Schedule } from './refusals.ts';
import type { AuditEntry } from './trail.ts';
import { verifyAuditTrail } from './verify.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());
beforeEach(() => resetAuditTrail(store));

const T0 = Date.parse('2026-12-04T18:00:00.000Z');
const WINDOW_SECONDS = 60;

/** A clock the test moves, and timers the test fires: nothing runs on its own. */
function harness(maxTracked?: number) {
  let now = T0;
  const clock = { now: () => new Date(now) };
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (delayMs, run) => {
    const timer = { at: now + delayMs, run, cancelled: false };
    timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };
  const audit = createAuditTrail(store, { key: Buffer.alloc(32, 1), chainKey: TEST_CHAIN_KEY, clock });
  const recorder = createRefusalRecorder({
    audit,
    clock,
    windowSeconds: WINDOW_SECONDS,
    schedule,
    ...(maxTracked ? { maxTracked } : {}),
  });
  return {
    recorder,
    audit,
    timers,
    advance: (ms: number) => {
      now += ms;
    },
    /** Fires the timers due by now, as the event loop would, and waits for their writes. */
    async fireDue() {
      for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
        timer.cancelled = true;
        timer.run();
      }
      await recorder.flushExpired();
    },
  };
}

const refusal = (
  reason = 'INVALID_CREDENTIAL',
  target: string | null = '/api/pharmacies/:finess/conversations',
) =>
  ({
    actor: { kind: 'anonymous' },
    action: 'auth.refused',
    target,
    result: 'denied',
    reason,
  }) satisfies AuditEntry;

const records = () => store.db.selectFrom('audit_records').selectAll().orderBy('seq').execute();
/** Refusals the trail stands for: one per plain record, and what each summary counted. */
const represented = async () => (await records()).reduce((n, r) => n + (r.count ?? 1), 0);

test('2,000 refusals from one address write two records, and the count is kept', async () => {
  const { recorder, timers } = harness();
  await Promise.all(Array.from({ length: 2000 }, () => recorder.record(refusal(), '203.0.113.7')));
  assert.equal((await records()).length, 1);
  await recorder.close();
  const [first, summary] = await records();
  assert.deepEqual(
    [first?.action, first?.reason, first?.count, first?.window_start],
    ['auth.refused', 'INVALID_CREDENTIAL', null, null],
  );
  assert.deepEqual(
    [summary?.actor_kind, summary?.action, summary?.result, summary?.reason, summary?.target, summary?.count],
    [
      'anonymous',
      'auth.refused',
      'denied',
      'INVALID_CREDENTIAL',
      '/api/pharmacies/:finess/conversations',
      1999,
    ],
  );
  assert.equal(summary?.window_start, new Date(T0).toISOString());
  assert.equal(await represented(), 2000);
  assert.ok(
    timers.every((t) => t.cancelled),
    'closing cancels the timer',
  );
  assert.equal((await verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY })).ok, true);
});

test('the window closes on its timer: one summary, then the next refusal is written at once', async () => {
  const h = harness();
  await h.recorder.record(refusal(), '203.0.113.7');
  assert.deepEqual(
    h.timers.map((t) => t.at),
    [T0 + WINDOW_SECONDS * 1000],
  );
  for (let i = 0; i < 5; i++) {
    h.advance(10_000);
    await h.recorder.record(refusal(), '203.0.113.7');
  }
  await h.fireDue();
  assert.equal((await records()).length, 1, 'not before the window ends');
  h.advance(10_000);
  await h.fireDue();
  const [, summary] = await records();
  assert.deepEqual(
    [summary?.count, summary?.window_start, summary?.at],
    [5, '2026-12-04T18:00:00.000Z', '2026-12-04T18:01:00.000Z'],
  );
  await h.recorder.record(refusal(), '203.0.113.7');
  assert.equal((await records()).length, 3);
  assert.equal((await records())[2]?.count, null);
  // A window in which nothing more came writes no summary.
  h.advance(WINDOW_SECONDS * 1000);
  await h.fireDue();
  await h.recorder.close();
  assert.equal((await records()).length, 3);
  assert.equal(await represented(), 7);
});

test('a refusal after the window, before the timer fired, closes it first', async () => {
  const h = harness();
  await h.recorder.record(refusal(), '203.0.113.7');
  await h.recorder.record(refusal(), '203.0.113.7');
  h.advance(WINDOW_SECONDS * 1000);
  await h.recorder.record(refusal(), '203.0.113.7');
  assert.deepEqual(
    (await records()).map((r) => r.count),
    [null, 1, null],
  );
  await h.recorder.close();
});

test('per client address (an IPv6 /64) and reason; mixed targets leave the summary’s target empty', async () => {
  const h = harness();
  const sources = [
    '203.0.113.7',
    '::ffff:203.0.113.7',
    '198.51.100.1',
    '2001:db8:1:2::1',
    '2001:db8:1:2:ffff::9',
  ];
  for (const address of sources) {
    await h.recorder.record(refusal('INVALID_CREDENTIAL', '/a'), address);
    await h.recorder.record(refusal('INVALID_CREDENTIAL', '/b'), address);
    await h.recorder.record(refusal('CSRF_REJECTED', '/a'), address);
  }
  // 3 clients (the two IPv4 spellings are one, the two IPv6 hosts share a /64) × 2 reasons.
  assert.equal((await records()).length, 6);
  await h.recorder.close();
  const summaries = (await records()).filter((r) => r.count !== null);
  assert.deepEqual(summaries.map((r) => [r.reason, r.count, r.target]).sort(), [
    ['CSRF_REJECTED', 1, '/a'],
    ['CSRF_REJECTED', 1, '/a'],
    ['INVALID_CREDENTIAL', 1, null],
    ['INVALID_CREDENTIAL', 3, null],
    ['INVALID_CREDENTIAL', 3, null],
  ]);
  assert.equal(await represented(), sources.length * 3);
});

test('past the tracked clients, strangers share one "other" window: bounded records, count kept', async () => {
  const h = harness(3);
  for (let i = 0; i < 500; i++) await h.recorder.record(refusal(), `198.51.100.${i % 250}`);
  // 3 tracked clients + 1 "other", each written once.
  assert.equal((await records()).length, 4);
  await h.recorder.close();
  assert.equal((await records()).length, 8);
  assert.equal(await represented(), 500);
});

test('refusals of an identified actor are recorded one by one', async () => {
  const h = harness();
  for (let i = 0; i < 3; i++) {
    await h.recorder.record(
      { ...refusal('CSRF_REJECTED'), actor: { kind: 'professional', rpps: '10000000009' } },
      '203.0.113.7',
    );
  }
  assert.equal((await records()).length, 3);
  assert.equal(h.timers.length, 0);
  await h.recorder.close();
  // Once closed (shutting down), refusals are no longer held back.
  await h.recorder.record(refusal(), '203.0.113.7');
  await h.recorder.record(refusal(), '203.0.113.7');
  assert.equal((await records()).length, 5);
});

test('client prefixes: IPv4 whole, IPv6 by /64, IPv4-mapped as IPv4', () => {
  assert.equal(clientPrefix('203.0.113.7'), '203.0.113.7');
  assert.equal(clientPrefix('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(clientPrefix('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(clientPrefix('2001:0db8:0001:0002:ffff:0:0:9'), '2001:db8:1:2::/64');
  assert.equal(clientPrefix('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientPrefix('::1'), '0:0:0:0::/64');
  assert.equal(clientPrefix('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(clientPrefix('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  assert.equal(clientPrefix('not an address'), 'not an address');
});

test('AUDIT_REFUSAL_WINDOW_SECONDS: 60 by default, 1 to 3600', () => {
  assert.equal(loadConfig({}).auditRefusalWindowSeconds, 60);
  assert.equal(loadConfig({ AUDIT_REFUSAL_WINDOW_SECONDS: '5' }).auditRefusalWindowSeconds, 5);
  assert.throws(() => loadConfig({ AUDIT_REFUSAL_WINDOW_SECONDS: '0' }), ConfigError);
});
