import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { rechain, resetAuditTrail, type StoredRecord, tamper } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { fixedClock } from '../time/clock.ts';
import { headMac, recordHash, recordMac } from './canonical.ts';
import { createAuditTrail } from './chained-trail.ts';
import { type VerifyOptions, verifyAuditTrail } from './verify.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

const RECORDS = 10;
const KEY = TEST_CHAIN_KEY;
const verify = (options: Partial<VerifyOptions> = {}) =>
  verifyAuditTrail(store, { chainKey: KEY, ...options });

/** A trail of 10 records: logins of alternating results. */
beforeEach(async () => {
  await resetAuditTrail(store);
  const audit = createAuditTrail(store, {
    key: Buffer.alloc(32, 1),
    chainKey: KEY,
    clock: fixedClock('2026-11-26T09:30:00Z'),
  });
  for (let i = 1; i <= RECORDS; i++) {
    await audit.record({
      actor: { kind: 'professional', rpps: '10000000009' },
      action: 'auth.login',
      target: `t${i}`,
      result: i % 2 === 0 ? 'failure' : 'success',
      reason: i % 2 === 0 ? 'ACR_TOO_LOW' : null,
    });
  }
});

const row = (seq: number) =>
  store.db.selectFrom('audit_records').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();

test('an intact trail verifies, whatever the page size', async () => {
  const last = await row(RECORDS);
  for (const pageSize of [1, 3, 10, 1000]) {
    const pages: number[] = [];
    const result = await verify({ pageSize, onProgress: (n) => pages.push(n) });
    assert.deepEqual(result, { ok: true, count: RECORDS, lastHash: last.hash, unkeyed: 0, headSealed: true });
    assert.equal(pages.at(-1), RECORDS);
  }
});

test('a changed action is caught at exactly that record', async () => {
  await tamper(store, sql`update audit_records set action = 'auth.logout' where seq = 4`);
  assert.deepEqual(await verify({ pageSize: 3 }), {
    ok: false,
    count: 3,
    firstBrokenSeq: 4,
    problem: 'hash-mismatch',
  });
});

test('a changed result, a changed time or a nulled reason is caught at that record', async () => {
  await tamper(store, sql`update audit_records set result = 'success', reason = null where seq = 6`);
  assert.deepEqual(await verify(), { ok: false, count: 5, firstBrokenSeq: 6, problem: 'hash-mismatch' });
  await resetAndRebuild();
  const at = store.engine === 'postgres' ? sql`at + interval '1 second'` : sql`'2026-11-26T09:30:01.000Z'`;
  await tamper(store, sql`update audit_records set at = ${at} where seq = 2`);
  assert.deepEqual(await verify(), { ok: false, count: 1, firstBrokenSeq: 2, problem: 'hash-mismatch' });
});

test('a changed hash is caught at that record', async () => {
  await tamper(store, sql`update audit_records set hash = ${'f'.repeat(64)} where seq = 7`);
  assert.deepEqual(await verify(), { ok: false, count: 6, firstBrokenSeq: 7, problem: 'hash-mismatch' });
});

test('a deleted middle record is caught at its seq', async () => {
  await tamper(store, sql`delete from audit_records where seq = 5`);
  assert.deepEqual(await verify({ pageSize: 2 }), {
    ok: false,
    count: 4,
    firstBrokenSeq: 5,
    problem: 'seq-gap',
  });
});

test('a deleted first record is caught at seq 1', async () => {
  await tamper(store, sql`delete from audit_records where seq = 1`);
  assert.deepEqual(await verify(), { ok: false, count: 0, firstBrokenSeq: 1, problem: 'seq-gap' });
});

test('a cut-off tail is caught against the chain head', async () => {
  await tamper(store, sql`delete from audit_records where seq >= 9`);
  assert.deepEqual(await verify(), { ok: false, count: 8, firstBrokenSeq: 9, problem: 'seq-gap' });
});

test('the last record dropped and the head moved back, without the key: caught at the head', async () => {
  const previous = await row(RECORDS - 1);
  await tamper(
    store,
    sql`delete from audit_records where seq = ${RECORDS}`,
    sql`update audit_chain_head set seq = ${RECORDS - 1}, hash = ${previous.hash} where id = 1`,
  );
  const caught = { ok: false, count: RECORDS - 2, firstBrokenSeq: RECORDS - 1, problem: 'head-mismatch' };
  assert.deepEqual(await verify(), caught);
  // Nor does clearing the head's MAC pass it off as a head from before the chain key.
  await tamper(store, sql`update audit_chain_head set mac = null where id = 1`);
  assert.deepEqual(await verify(), caught);
});

test('a record rewritten and every later one re-chained, without the key: caught at the rewrite', async () => {
  // With the unkeyed rule anyone can compute, with a key of one's own: the MAC gives it away.
  const forgedKey = Buffer.alloc(32, 0x66);
  for (const hashOf of [recordHash, (r: StoredRecord) => recordMac(forgedKey, r)]) {
    await resetAndRebuild(RECORDS);
    await rechain(
      store,
      3,
      (r) => (r.seq === 3 ? { ...r, result: 'success', reason: null } : r),
      (r) => hashOf(r),
      (head) => headMac(forgedKey, head),
    );
    assert.deepEqual(await verify(), { ok: false, count: 2, firstBrokenSeq: 3, problem: 'hash-mismatch' });
  }
});

test('keyed records rewritten as unkeyed ones and re-chained: caught at the first of them', async () => {
  await rechain(
    store,
    6,
    (r) => ({ ...r, chain_version: 1 }),
    (r) => recordHash(r),
    () => null,
  );
  assert.deepEqual(await verify(), {
    ok: false,
    count: 5,
    firstBrokenSeq: 6,
    problem: 'unkeyed-after-keyed',
  });
});

test('another key does not verify the trail: caught at the first keyed record', async () => {
  assert.deepEqual(await verify({ chainKey: Buffer.alloc(32, 0x67) }), {
    ok: false,
    count: 0,
    firstBrokenSeq: 1,
    problem: 'hash-mismatch',
  });
  await assert.rejects(verify({ chainKey: null }), { name: 'AuditChainKeyMissingError' });
});

test('a record rewritten with a recomputed MAC (the key holder) breaks the next link', async () => {
  const original = await row(3);
  const forged = { ...original, action: 'auth.logout' };
  await tamper(
    store,
    sql`update audit_records set action = ${forged.action}, hash = ${recordMac(KEY, forged)} where seq = 3`,
  );
  assert.deepEqual(await verify(), { ok: false, count: 3, firstBrokenSeq: 4, problem: 'broken-link' });
});

test('a rewritten last record, MAC recomputed, disagrees with the chain head', async () => {
  const original = await row(RECORDS);
  const forged = { ...original, result: 'success' as const, reason: null };
  await tamper(
    store,
    sql`update audit_records set result = 'success', reason = null, hash = ${recordMac(KEY, forged)} where seq = ${RECORDS}`,
  );
  assert.deepEqual(await verify(), {
    ok: false,
    count: RECORDS - 1,
    firstBrokenSeq: RECORDS,
    problem: 'head-mismatch',
  });
});

test('a forged record appended without moving the head is not part of the chain', async () => {
  const last = await row(RECORDS);
  const forged = { ...last, seq: RECORDS + 1, prev_hash: last.hash };
  const hash = recordMac(KEY, forged);
  await tamper(
    store,
    sql`insert into audit_records (seq, at, actor_kind, actor_id, actor_finess, on_behalf_of, action, target,
        request_id, result, reason, chain_version, prev_hash, hash)
      select ${RECORDS + 1}, at, actor_kind, actor_id, actor_finess, on_behalf_of, action, target, request_id,
        result, reason, chain_version, ${last.hash}, ${hash} from audit_records where seq = ${RECORDS}`,
  );
  assert.deepEqual(await verify(), {
    ok: false,
    count: RECORDS,
    firstBrokenSeq: RECORDS + 1,
    problem: 'head-mismatch',
  });
});

async function resetAndRebuild(records = 3) {
  await resetAuditTrail(store);
  const audit = createAuditTrail(store, {
    key: Buffer.alloc(32, 1),
    chainKey: KEY,
    clock: fixedClock('2026-11-26T09:30:00Z'),
  });
  for (let i = 1; i <= records; i++) {
    await audit.record({
      actor: { kind: 'system' },
      action: 'demo.load',
      result: i % 2 === 0 ? 'failure' : 'success',
      reason: i % 2 === 0 ? 'X' : null,
    });
  }
}
