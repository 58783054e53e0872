import { type RawBuilder, sql } from 'kysely';
import { GENESIS_HASH } from '../../src/audit/canonical.ts';
import type { Store } from '../../src/db/connect.ts';

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
    sql`update audit_chain_head set seq = 0, hash = ${GENESIS_HASH} where id = 1`,
  );
}
