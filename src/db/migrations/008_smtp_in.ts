import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * The inbound mail spool (src/gateway/spool.ts): one row per message the SMTP listener accepted
 * from another operator, committed before it answered 250, the raw message in the blob store.
 * The next slice turns `received` rows into conversations.
 */
export function smtpIn(engine: Engine): Migration {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('inbound_mail')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('received_at', t.instant, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('peer_domain', 'text', (c) => c.notNull())
        .addColumn('peer_address', 'text', (c) => c.notNull())
        .addColumn('peer_fingerprint', 'text', (c) => c.notNull())
        .addColumn('tls_protocol', 'text', (c) => c.notNull())
        .addColumn('tls_cipher', 'text', (c) => c.notNull())
        .addColumn('mail_from', 'text', (c) => c.notNull())
        .addColumn('rcpt_to', 'text', (c) => c.notNull())
        .addColumn('dsn_envid', 'text')
        .addColumn('dsn_ret', 'text')
        .addColumn('blob_sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inbound_mail_by_state')
        .on('inbound_mail')
        .columns(['state', 'received_at'])
        .execute();
      await db.schema.createIndex('inbound_mail_by_blob').on('inbound_mail').column('blob_sha256').execute();
    },
  };
}
