import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * Messaging (src/messaging/): conversations between a patient and a pharmacy's organisational
 * mailbox, their messages (mail-shaped: RFC 5322 Message-ID, In-Reply-To, References) and
 * attachment records, per-person read states, reply templates, idempotency keys and per-patient
 * quotas; the mailbox and patient journals (src/notifications/journal.ts); the local
 * e-prescription base and the patients' health record documents (src/eprescription/).
 */
export function messaging(engine: Engine): Migration {
  const t = columnTypes(engine);
  const counter = engine === 'postgres' ? 'bigint' : 'integer';
  const statusCheck = sql`status in ('received', 'in_preparation', 'ready', 'collected', 'partial', 'cannot_fill')`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pharmacy_finess', 'text', (c) => c.notNull().references('pharmacies.finess'))
        .addColumn('mailbox_id', 'text', (c) => c.notNull().references('mailboxes.id'))
        // No foreign key: a patient who logs in with a qualified identity need not be in `patients`.
        .addColumn('patient_matricule', 'text', (c) => c.notNull())
        .addColumn('patient_given_names', 'text', (c) => c.notNull())
        .addColumn('patient_family_name', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(statusCheck))
        .addColumn('rest_expected_on', t.date)
        .addColumn('cannot_fill_reason', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', t.instant)
        .addColumn('closed_at', t.instant)
        .addColumn('closed_by', 'text')
        .addColumn('message_count', 'integer', (c) => c.notNull())
        .addColumn('last_patient_position', 'integer', (c) => c.notNull())
        .addColumn('last_team_position', 'integer', (c) => c.notNull())
        .addColumn('last_message_at', t.instant, (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      // The two listings, newest activity first.
      await db.schema
        .createIndex('conversations_by_mailbox')
        .on('conversations')
        .columns(['mailbox_id', 'last_message_at', 'id'])
        .execute();
      await db.schema
        .createIndex('conversations_by_patient')
        .on('conversations')
        .columns(['patient_matricule', 'last_message_at', 'id'])
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('author_kind', 'text', (c) =>
          c.notNull().check(sql`author_kind in ('patient', 'professional', 'software')`),
        )
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('in_reply_to', 'text')
        .addColumn('message_references', 'text')
        .addColumn('template_id', 'text')
        .addColumn('closes_conversation', 'integer', (c) =>
          c.notNull().check(sql`closes_conversation in (0, 1)`),
        )
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addUniqueConstraint('messages_position', ['conversation_id', 'position'])
        .execute();

      await db.schema
        .createTable('message_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('image', 'pdf')`))
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('source_type', 'text', (c) => c.notNull())
        .addColumn('source_sha256', 'text', (c) => c.notNull())
        .addColumn('source_size', counter, (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('blob_sha256', 'text', (c) => c.notNull())
        .addColumn('blob_size', counter, (c) => c.notNull())
        .addColumn('thumbnail_sha256', 'text')
        .addColumn('thumbnail_size', counter)
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('pages', 'integer')
        // JSON arrays.
        .addColumn('flags', 'text', (c) => c.notNull())
        .addColumn('prescription_numbers', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_attachments_by_message')
        .on('message_attachments')
        .columns(['message_id', 'position'])
        .execute();
      await db.schema
        .createIndex('message_attachments_by_conversation')
        .on('message_attachments')
        .column('conversation_id')
        .execute();

      // Read state per person of the team: what one pharmacist read is not read for the others.
      await db.schema
        .createTable('team_read_states')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('reader', 'text', (c) => c.notNull())
        .addColumn('last_read_position', 'integer', (c) => c.notNull())
        .addColumn('last_read_message_id', 'text', (c) => c.notNull())
        .addColumn('read_at', t.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('team_read_states_pk', ['conversation_id', 'reader'])
        .execute();

      await db.schema
        .createTable('patient_read_states')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id'))
        .addColumn('last_read_position', 'integer', (c) => c.notNull())
        .addColumn('last_read_message_id', 'text', (c) => c.notNull())
        .addColumn('read_at', t.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('reply_templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pharmacy_finess', 'text', (c) => c.notNull().references('pharmacies.finess'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('reply_templates_by_pharmacy')
        .on('reply_templates')
        .column('pharmacy_finess')
        .execute();

      // An action's first result, returned again to a retry with the same key.
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('request_sha256', 'text', (c) => c.notNull())
        .addColumn('result', 'text')
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_by_age')
        .on('idempotency_keys')
        .column('created_at')
        .execute();

      // Fixed-window counters of the per-patient quotas.
      await db.schema
        .createTable('messaging_quotas')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('window_start', t.instant, (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('messaging_quotas_pk', ['subject', 'kind'])
        .execute();

      // Journals: `seq` allocated under the lock of the stream's head row, in the action's transaction.
      for (const [journal, key] of [
        ['mailbox_journal', 'mailbox_id'],
        ['patient_journal', 'matricule'],
      ] as const) {
        await db.schema
          .createTable(`${journal}_heads`)
          .addColumn(key, 'text', (c) => c.primaryKey())
          .addColumn('seq', counter, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable(journal)
          .addColumn(key, 'text', (c) => c.notNull())
          .addColumn('seq', counter, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('ref', 'text', (c) => c.notNull())
          .addColumn('at', t.instant, (c) => c.notNull())
          .addPrimaryKeyConstraint(`${journal}_pk`, [key, 'seq'])
          .execute();
      }

      // The embedded e-prescription base (src/eprescription/local-base.ts).
      await db.schema
        .createTable('eprescriptions')
        .addColumn('number', 'text', (c) => c.primaryKey())
        .addColumn('matricule', 'text', (c) => c.notNull())
        .addColumn('prescriber', 'text', (c) => c.notNull())
        .addColumn('prescriber_rpps', 'text')
        .addColumn('issued_on', t.date, (c) => c.notNull())
        // JSON array of `{ label, quantity, posology }`.
        .addColumn('lines', 'text', (c) => c.notNull())
        .execute();

      // "Mes documents": what the patient's health record holds (e-prescriptions and others).
      await db.schema
        .createTable('health_documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('matricule', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('eprescription', 'document')`))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('issued_on', t.date, (c) => c.notNull())
        .addColumn('prescription_number', 'text', (c) => c.references('eprescriptions.number'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('health_documents_by_patient')
        .on('health_documents')
        .columns(['matricule', 'issued_on'])
        .execute();
    },
  };
}
