import { type RawBuilder, sql } from 'kysely';
import { GENESIS_HASH } from '../../src/audit/canonical.ts';
import type { Store } from '../../src/db/connect.ts';
import type { AuditRecordTable } from '../../src/db/schema.ts';

/**
 * Runs SQL on the audit trail as an attacker with database access would: with the append-only
 * triggers out of the way (dropped then recreated on SQLite, disabled then enabled on PostgreSQL).
 */
export async function tamper(store: Store, ...statements: RawBuilder<unknown>[]): Promise<void> {
  if (store.engine === 'postgres') {
    await sql`alter table audit_records disable trigger user`.execute(store.db);
    try {
      for (const statement of statements) await statement.execute(store.db);
    } finally {
      await sql`alter table audit_records enable trigger user`.execute(store.db);
    }
    return;
  }
  const triggers = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit_records'`.execute(
    store.db,
  );
  for (const trigger of triggers.rows) await sql`drop trigger ${sql.id(trigger.name)}`.execute(store.db);
  try {
    for (const statement of statements) await statement.execute(store.db);
  } finally {
    for (const trigger of triggers.rows) await sql.raw(trigger.sql).execute(store.db);
  }
}

/** Empties the trail, so that tests sharing one store each start from the genesis value. */
export async function resetAuditTrail(store: Store): Promise<void> {
  await tamper(
    store,
    sql`delete from audit_records`,
    sql`update audit_chain_head set seq = 0, hash = ${GENESIS_HASH}, mac = null where id = 1`,
  );
}

export type StoredRecord = AuditRecordTable;

/**
 * Rewrites the trail from `fromSeq` on as an attacker would: `edit` changes each record (its
 * prev_hash already relinked to the rewritten previous one), `hashOf` recomputes its hash with
 * whatever the attacker has (SHA-256, a key of their own, the real key in "insider" tests); the
 * head then names the last record, with `headMac` (kept as it was when omitted).
 */
export async function rechain(
  store: Store,
  fromSeq: number,
  edit: (row: StoredRecord) => StoredRecord,
  hashOf: (row: StoredRecord) => string,
  headMac?: (head: { seq: number; hash: string }) => string | null,
): Promise<void> {
  const rows = await store.db
    .selectFrom('audit_records')
    .selectAll()
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .execute();
  const before = await store.db
    .selectFrom('audit_records')
    .select('hash')
    .where('seq', '=', fromSeq - 1)
    .executeTakeFirst();
  let prev = before?.hash ?? GENESIS_HASH;
  const statements: RawBuilder<unknown>[] = [];
  for (const row of rows) {
    const changed = edit({ ...row, prev_hash: prev });
    const hash = hashOf(changed);
    statements.push(sql`update audit_records set
        action = ${changed.action}, result = ${changed.result}, reason = ${changed.reason},
        chain_version = ${changed.chain_version}, prev_hash = ${changed.prev_hash}, hash = ${hash}
      where seq = ${row.seq}`);
    prev = hash;
  }
  const last = rows.at(-1);
  if (last) {
    const mac = headMac ? headMac({ seq: last.seq, hash: prev }) : undefined;
    statements.push(
      mac === undefined
        ? sql`update audit_chain_head set hash = ${prev} where id = 1`
        : sql`update audit_chain_head set hash = ${prev}, mac = ${mac} where id = 1`,
    );
  }
  await tamper(store, ...statements);
}
