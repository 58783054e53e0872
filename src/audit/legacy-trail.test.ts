import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Kysely, Migrator } from 'kysely';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { rechain } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { migrate } from '../db/connect.ts';
import { migrationProvider } from '../db/migrations/index.ts';
import type { Schema } from '../db/schema.ts';
import { fixedClock } from '../time/clock.ts';
import { recordHash } from './canonical.ts';
import { createAuditTrail } from './chained-trail.ts';
import { verifyAuditTrail } from './verify.ts';

/**
 * A store from the release before the keyed chain: migrated up to 006, its trail written by that
 * release's append (below, frozen: unkeyed SHA-256 records, a head without MAC), then opened by
 * this one.
 */
let store: TestStore;
const LEGACY = 5;
before(async () => {
  store = await openTestStore({ migrate: false });
  const migrator = new Migrator({ db: store.db, provider: migrationProvider(store.engine) });
  const { error } = await migrator.migrateTo('006_blob_indexes');
  if (error) throw error;
  for (let i = 1; i <= LEGACY; i++) await store.db.transaction().execute((trx) => legacyAppend(trx, i));
  await migrate(store.db, store.engine);
});
after(() => store.dispose());

/** The previous release's append, as it was. */
async function legacyAppend(db: Kysely<Schema>, i: number) {
  const head = await db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const fields = {
    seq: Number(head.seq),
    at: `2026-11-2${i}T09:30:00.000Z`,
    actor_kind: 'system' as const,
    actor_id: null,
    actor_finess: null,
    on_behalf_of: null,
    action: 'demo.load',
    target: `legacy-${i}`,
    request_id: null,
    result: 'success' as const,
    reason: null,
    prev_hash: head.hash,
  };
  const hash = recordHash(fields);
  // Through Kysely's untyped API: the columns of the old schema only.
  await (db as unknown as Kysely<Record<string, Record<string, unknown>>>)
    .insertInto('audit_records')
    .values({ ...fields, hash })
    .execute();
  await db.updateTable('audit_chain_head').set({ hash }).where('id', '=', 1).execute();
}

test('a trail written before the keyed chain opens and verifies, without any chain key', async () => {
  const result = await verifyAuditTrail(store, { chainKey: null });
  assert.equal(result.ok, true);
  assert.deepEqual(result.ok && [result.count, result.unkeyed, result.headSealed], [LEGACY, LEGACY, false]);
});

test('keyed records continue it, the first one bound to the last unkeyed record', async () => {
  const audit = createAuditTrail(store, {
    key: Buffer.alloc(32, 1),
    chainKey: TEST_CHAIN_KEY,
    clock: fixedClock('2026-12-04T10:00:00Z'),
  });
  for (let i = 0; i < 3; i++)
    await audit.record({ actor: { kind: 'system' }, action: 'demo.load', result: 'success' });
  const versions = await store.db
    .selectFrom('audit_records')
    .select(['seq', 'chain_version'])
    .orderBy('seq')
    .execute();
  assert.deepEqual(
    versions.map((r) => r.chain_version),
    [1, 1, 1, 1, 1, 2, 2, 2],
  );
  const result = await verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY });
  assert.equal(result.ok, true);
  assert.deepEqual(result.ok && [result.count, result.unkeyed, result.headSealed], [
    LEGACY + 3,
    LEGACY,
    true,
  ]);

  // An unkeyed record rewritten and the records after it re-chained: the unkeyed ones anyone can
  // redo, but the first keyed record's MAC covers the prev_hash it had, and needs the key.
  await rechain(
    store,
    3,
    (r) => (r.seq === 3 ? { ...r, result: 'failure' } : r),
    (r) => (r.chain_version === 1 ? recordHash(r) : r.hash),
  );
  assert.deepEqual(await verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY }), {
    ok: false,
    count: LEGACY,
    firstBrokenSeq: LEGACY + 1,
    problem: 'hash-mismatch',
  });
});
