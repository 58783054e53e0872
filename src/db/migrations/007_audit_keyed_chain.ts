import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * The keyed audit chain (src/audit/canonical.ts, version 2): each record says which rule made its
 * hash — 1 for the records already there (unkeyed SHA-256), 2 for every record appended from now
 * on (HMAC-SHA256 under the chain key) — and may be a refusal summary (a count and the window it
 * covers). The chain head gets the MAC of its (seq, hash), null until the first keyed append.
 * Adding columns fires no row trigger: the append-only triggers stay as they are.
 */
export function auditKeyedChain(engine: Engine): Migration {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('audit_records')
        .addColumn('chain_version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('audit_records').addColumn('count', 'integer').execute();
      await db.schema.alterTable('audit_records').addColumn('window_start', t.instant).execute();
      await db.schema.alterTable('audit_chain_head').addColumn('mac', 'text').execute();
    },
  };
}
