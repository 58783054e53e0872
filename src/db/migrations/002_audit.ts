import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * The audit trail (src/audit/): append-only records in one hash chain, and the one-row chain head
 * that serialises appends (its update takes the write lock first on SQLite and the row lock on
 * PostgreSQL). Triggers refuse updates and deletes of records, so that application code cannot
 * change the trail by mistake; the hash chain is what detects deliberate changes.
 */
/** The chain's genesis value (audit/canonical.ts GENESIS_HASH), frozen here like the rest of the migration. */
const GENESIS_HASH = '0'.repeat(64);

export function audit(engine: Engine): Migration {
  const t = columnTypes(engine);
  const seqType = engine === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_records')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('at', t.instant, (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_finess', 'text')
        .addColumn('on_behalf_of', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('request_id', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_chain_head')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('seq', seqType, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into audit_chain_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);

      if (engine === 'sqlite') {
        for (const event of ['update', 'delete']) {
          await sql
            .raw(
              `create trigger audit_records_no_${event} before ${event} on audit_records ` +
                `begin select raise(abort, 'audit_records is append-only'); end`,
            )
            .execute(db);
        }
        await sql
          .raw(
            'create trigger audit_chain_head_no_delete before delete on audit_chain_head ' +
              "begin select raise(abort, 'audit_chain_head cannot be deleted'); end",
          )
          .execute(db);
      } else {
        await sql
          .raw(
            'create function audit_append_only() returns trigger language plpgsql as $$ ' +
              "begin raise exception '% is append-only', tg_table_name; end $$",
          )
          .execute(db);
        await sql
          .raw(
            'create trigger audit_records_no_change before update or delete on audit_records ' +
              'for each row execute function audit_append_only()',
          )
          .execute(db);
        await sql
          .raw(
            'create trigger audit_records_no_truncate before truncate on audit_records ' +
              'for each statement execute function audit_append_only()',
          )
          .execute(db);
        await sql
          .raw(
            'create trigger audit_chain_head_no_delete before delete or truncate on audit_chain_head ' +
              'for each statement execute function audit_append_only()',
          )
          .execute(db);
      }
    },
  };
}
