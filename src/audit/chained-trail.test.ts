import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { resetAuditTrail, tamper } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { fixedClock } from '../time/clock.ts';
import { GENESIS_HASH, headMac, recordMac } from './canonical.ts';
import { AuditChainHeadError, createAuditTrail } from './chained-trail.ts';
import { InvalidAuditEntryError } from './guard.ts';
import type { AuditEntry } from './trail.ts';
import { verifyAuditTrail } from './verify.ts';

const verify = () => verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY });

const KEY = Buffer.alloc(32, 7);
const MATRICULE = '175037512300512';
const AT = '2026-11-26T09:30:00.000Z';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

const trail = (chainKey = TEST_CHAIN_KEY) =>
  createAuditTrail(store, { key: KEY, chainKey, clock: fixedClock(AT) });
const login = (rpps = '10000000009'): AuditEntry => ({
  actor: { kind: 'professional', rpps },
  action: 'auth.login',
  requestId: '0193a1b2-0000-7000-8000-000000000001',
  result: 'success',
});

async function rows() {
  return store.db.selectFrom('audit_records').selectAll().orderBy('seq').execute();
}

async function count(): Promise<number> {
  return (await rows()).length;
}

beforeEach(() => resetAuditTrail(store));

test('records chain from the genesis value, seq 1, 2, 3, with the canonical MAC', async () => {
  const audit = trail();
  await audit.record(login());
  await audit.record({ ...login(), result: 'failure', reason: 'ACR_TOO_LOW' });
  await audit.record({
    actor: {
      kind: 'api-credential',
      credentialId: '0193a1b2-0000-7000-8000-0000000000aa',
      finess: '010000016',
    },
    onBehalfOf: '0193a1b2-0000-7000-8000-0000000000bb',
    action: 'message.list',
    result: 'success',
  });
  const stored = await rows();
  assert.deepEqual(
    stored.map((r) => r.seq),
    [1, 2, 3],
  );
  assert.equal(stored[0]?.prev_hash, GENESIS_HASH);
  assert.equal(stored[1]?.prev_hash, stored[0]?.hash);
  assert.equal(stored[2]?.prev_hash, stored[1]?.hash);
  for (const row of stored) {
    assert.equal(row.at, AT);
    assert.equal(row.chain_version, 2);
    assert.equal(recordMac(TEST_CHAIN_KEY, row), row.hash);
  }
  assert.deepEqual(
    { ...stored[2], hash: undefined, prev_hash: undefined },
    {
      seq: 3,
      at: AT,
      actor_kind: 'api-credential',
      actor_id: '0193a1b2-0000-7000-8000-0000000000aa',
      actor_finess: '010000016',
      on_behalf_of: '0193a1b2-0000-7000-8000-0000000000bb',
      action: 'message.list',
      target: null,
      request_id: null,
      result: 'success',
      reason: null,
      chain_version: 2,
      count: null,
      window_start: null,
      hash: undefined,
      prev_hash: undefined,
    },
  );
  const head = await store.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow();
  const last = { seq: 3, hash: stored[2]?.hash ?? '' };
  assert.deepEqual(
    { seq: head.seq, hash: head.hash, mac: head.mac },
    { ...last, mac: headMac(TEST_CHAIN_KEY, last) },
  );
  assert.deepEqual(await verify(), { ok: true, count: 3, lastHash: last.hash, unkeyed: 0, headSealed: true });
});

test('an empty trail verifies, with the genesis value as last hash', async () => {
  assert.deepEqual(await verifyAuditTrail(store, { chainKey: null }), {
    ok: true,
    count: 0,
    lastHash: GENESIS_HASH,
    unkeyed: 0,
    headSealed: false,
  });
});

test('records and application code cannot update or delete records', async () => {
  await trail().record(login());
  await assert.rejects(
    store.db.updateTable('audit_records').set({ result: 'denied' }).execute(),
    /append-only/,
  );
  await assert.rejects(store.db.deleteFrom('audit_records').execute(), /append-only/);
  assert.equal(await count(), 1);
});

test('pseudonyms are stable, keyed, normalised, and the clear matricule is never stored', async () => {
  const audit = trail();
  const pseudonym = audit.patientPseudonym(MATRICULE);
  assert.match(pseudonym, /^[0-9a-f]{64}$/);
  assert.equal(audit.patientPseudonym(MATRICULE), pseudonym);
  assert.equal(trail().patientPseudonym('1 75 03 75 123 005 12'), pseudonym);
  const other = createAuditTrail(store, { key: Buffer.alloc(32, 8), chainKey: KEY, clock: fixedClock(AT) });
  assert.notEqual(other.patientPseudonym(MATRICULE), pseudonym);
  assert.notEqual(audit.patientPseudonym('275037512300577'), pseudonym);

  await audit.record({ actor: { kind: 'patient', pseudonym }, action: 'auth.login', result: 'success' });
  const [row] = await rows();
  assert.equal(row?.actor_kind, 'patient');
  assert.equal(row?.actor_id, pseudonym);
  assert.ok(!JSON.stringify(await rows()).includes(MATRICULE));
});

test('the keys may be given lazily and are asked for once, when first needed', async () => {
  let calls = 0;
  let chainCalls = 0;
  const audit = createAuditTrail(store, {
    key: () => {
      calls += 1;
      return KEY;
    },
    chainKey: () => {
      chainCalls += 1;
      return TEST_CHAIN_KEY;
    },
    clock: fixedClock(AT),
  });
  assert.equal(chainCalls, 0);
  await audit.record(login());
  await audit.record(login());
  assert.equal(chainCalls, 1);
  assert.equal(calls, 0);
  assert.equal(audit.patientPseudonym(MATRICULE), trail().patientPseudonym(MATRICULE));
  audit.patientPseudonym(MATRICULE);
  assert.equal(calls, 1);
});

test('the NIR guard throws, and nothing is written', async () => {
  const audit = trail();
  const attempts: AuditEntry[] = [
    { ...login(), target: MATRICULE },
    { ...login(), target: `${MATRICULE}@patient.mssante.fr` },
    { ...login(), target: '175032a12300542' },
    { ...login(), target: '1.75.03.75.123.005.12' },
    { ...login(), onBehalfOf: MATRICULE },
    { ...login(), requestId: MATRICULE },
    { ...login(), reason: `NIR:${MATRICULE}` },
    login(MATRICULE),
    { actor: { kind: 'patient', pseudonym: MATRICULE }, action: 'auth.login', result: 'success' },
    {
      actor: { kind: 'api-credential', credentialId: MATRICULE, finess: '010000016' },
      action: 'auth.login',
      result: 'success',
    },
  ];
  for (const entry of attempts) {
    await assert.rejects(audit.record(entry), InvalidAuditEntryError, JSON.stringify(entry));
  }
  assert.equal(await count(), 0);
});

test('free text, empty values, unknown results and malformed actions are refused', async () => {
  const audit = trail();
  const attempts: AuditEntry[] = [
    { ...login(), target: 'Ordonnance de Mme Dupont.pdf' },
    { ...login(), target: 'x'.repeat(201) },
    { ...login(), target: '' },
    { ...login(), target: 'caf\u00e9' },
    { ...login(), reason: 'the token has expired' },
    { ...login(), action: 'Auth Login' },
    { ...login(), action: '' },
    { ...login(), result: 'maybe' as 'success' },
    { actor: { kind: 'robot' } as unknown as AuditEntry['actor'], action: 'auth.login', result: 'success' },
  ];
  for (const entry of attempts) {
    await assert.rejects(audit.record(entry), InvalidAuditEntryError, JSON.stringify(entry));
  }
  assert.equal(await count(), 0);
  // Identifiers that are not NIRs pass: UUIDs, FINESS, RPPS, codes.
  await audit.record({
    ...login(),
    target: '010000016',
    onBehalfOf: '0193a1b2-0000-7000-8000-0000000000bb',
    result: 'denied',
    reason: 'NOT_A_MEMBER',
  });
  assert.equal(await count(), 1);
});

test('a record in the caller’s transaction commits with it', async () => {
  const audit = trail();
  await store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('import_runs')
      .values({
        id: 'run-1',
        kind: 'directory',
        sha256: 'x',
        rows_read: 0,
        rows_accepted: 0,
        rows_rejected: 0,
        rows_skipped: 0,
        pairs_changed: 0,
        started_at: AT,
        finished_at: AT,
      })
      .execute();
    await audit.record(
      { actor: { kind: 'system' }, action: 'import.directory', target: 'run-1', result: 'success' },
      trx,
    );
  });
  const [row] = await rows();
  assert.equal(row?.target, 'run-1');
  assert.equal(row?.actor_id, null);
  await store.db.deleteFrom('import_runs').execute();
});

test('a record in a rolled-back transaction leaves no record and does not break the chain', async () => {
  const audit = trail();
  await audit.record(login());
  await assert.rejects(
    store.db.transaction().execute(async (trx) => {
      await audit.record({ ...login(), action: 'credential.create' }, trx);
      throw new Error('the action failed');
    }),
    /the action failed/,
  );
  assert.equal(await count(), 1);
  await audit.record({ ...login(), action: 'auth.logout' });
  const stored = await rows();
  assert.deepEqual(
    stored.map((r) => [r.seq, r.action]),
    [
      [1, 'auth.login'],
      [2, 'auth.logout'],
    ],
  );
  assert.equal((await verify()).ok, true);
});

test('50 appends in parallel still form one valid chain', async () => {
  const audit = trail();
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      audit.record({ ...login(), target: `target-${i}`, requestId: randomBytes(8).toString('hex') }),
    ),
  );
  const stored = await rows();
  assert.equal(stored.length, 50);
  assert.deepEqual(
    stored.map((r) => r.seq),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.equal(new Set(stored.map((r) => r.target)).size, 50);
  assert.deepEqual(await verify(), {
    ok: true,
    count: 50,
    lastHash: stored[49]?.hash,
    unkeyed: 0,
    headSealed: true,
  });
});

test('parallel appends mixed with rolled-back transactions still form one valid chain', async () => {
  const audit = trail();
  await Promise.allSettled(
    Array.from({ length: 30 }, (_, i) =>
      store.db.transaction().execute(async (trx) => {
        await audit.record({ ...login(), target: `target-${i}` }, trx);
        if (i % 3 === 0) throw new Error('rolled back');
      }),
    ),
  );
  assert.equal(await count(), 20);
  assert.deepEqual(await verify(), {
    ok: true,
    count: 20,
    lastHash: (await rows())[19]?.hash,
    unkeyed: 0,
    headSealed: true,
  });
});

test('a summary record keeps its count and window, under the MAC', async () => {
  await trail().record({
    actor: { kind: 'anonymous' },
    action: 'auth.refused',
    result: 'denied',
    reason: 'INVALID_CREDENTIAL',
    count: 1999,
    windowStart: new Date('2026-11-26T09:29:00.000Z'),
  });
  const [row] = await rows();
  assert.deepEqual([row?.count, row?.window_start], [1999, '2026-11-26T09:29:00.000Z']);
  assert.equal((await verify()).ok, true);
  await tamper(store, sql`update audit_records set count = 1 where seq = 1`);
  assert.equal((await verify()).ok, false);
  for (const count of [0, -1, 1.5]) {
    await assert.rejects(trail().record({ ...login(), count }), InvalidAuditEntryError);
  }
  await assert.rejects(trail().record({ ...login(), windowStart: new Date('x') }), InvalidAuditEntryError);
});

test('an append refuses to build on a head moved without the key, and writes nothing', async () => {
  const audit = trail();
  for (let i = 0; i < 3; i++) await audit.record(login());
  const [, second] = await rows();
  // The last record dropped, the head moved back onto the second one: its MAC no longer fits.
  await tamper(
    store,
    sql`delete from audit_records where seq = 3`,
    sql`update audit_chain_head set seq = 2, hash = ${second?.hash} where id = 1`,
  );
  await assert.rejects(audit.record(login()), AuditChainHeadError);
  // Nor once its MAC is cleared: an unsealed head may only name an unkeyed record.
  await tamper(store, sql`update audit_chain_head set mac = null where id = 1`);
  await assert.rejects(audit.record(login()), AuditChainHeadError);
  assert.equal(await count(), 2);
  const head = await store.db.selectFrom('audit_chain_head').select('seq').executeTakeFirstOrThrow();
  assert.equal(head.seq, 2);
});

test('a process given another chain key cannot append to the trail', async () => {
  await trail().record(login());
  await assert.rejects(trail(Buffer.alloc(32, 0x99)).record(login()), AuditChainHeadError);
  assert.equal(await count(), 1);
});
