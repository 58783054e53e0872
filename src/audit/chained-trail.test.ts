import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';
import { resetAuditTrail } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { fixedClock } from '../time/clock.ts';
import { GENESIS_HASH, recordHash } from './canonical.ts';
import { createAuditTrail } from './chained-trail.ts';
import { InvalidAuditEntryError } from './guard.ts';
import type { AuditEntry } from './trail.ts';
import { verifyAuditTrail } from './verify.ts';

const KEY = Buffer.alloc(32, 7);
const MATRICULE = '175037512300512';
const AT = '2026-11-26T09:30:00.000Z';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

const trail = () => createAuditTrail(store, { key: KEY, clock: fixedClock(AT) });
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

test('records chain from the genesis value, seq 1, 2, 3, with the canonical hash', async () => {
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
    assert.equal(recordHash(row), row.hash);
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
      hash: undefined,
      prev_hash: undefined,
    },
  );
  const head = await store.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual({ seq: head.seq, hash: head.hash }, { seq: 3, hash: stored[2]?.hash });
  assert.deepEqual(await verifyAuditTrail(store), { ok: true, count: 3, lastHash: stored[2]?.hash });
});

test('an empty trail verifies, with the genesis value as last hash', async () => {
  assert.deepEqual(await verifyAuditTrail(store), { ok: true, count: 0, lastHash: GENESIS_HASH });
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
  const other = createAuditTrail(store, { key: Buffer.alloc(32, 8), clock: fixedClock(AT) });
  assert.notEqual(other.patientPseudonym(MATRICULE), pseudonym);
  assert.notEqual(audit.patientPseudonym('275037512300577'), pseudonym);

  await audit.record({ actor: { kind: 'patient', pseudonym }, action: 'auth.login', result: 'success' });
  const [row] = await rows();
  assert.equal(row?.actor_kind, 'patient');
  assert.equal(row?.actor_id, pseudonym);
  assert.ok(!JSON.stringify(await rows()).includes(MATRICULE));
});

test('the key may be given lazily and is asked for once', async () => {
  let calls = 0;
  const audit = createAuditTrail(store, {
    key: () => {
      calls += 1;
      return KEY;
    },
    clock: fixedClock(AT),
  });
  await audit.record(login());
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
  assert.equal((await verifyAuditTrail(store)).ok, true);
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
  assert.deepEqual(await verifyAuditTrail(store), { ok: true, count: 50, lastHash: stored[49]?.hash });
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
  assert.deepEqual(await verifyAuditTrail(store), {
    ok: true,
    count: 20,
    lastHash: (await rows())[19]?.hash,
  });
});
