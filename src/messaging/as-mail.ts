import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../attachments/attachment.ts';
import type { Schema } from '../db/schema.ts';
import { formatPatientAddress } from '../identity/patient-address.ts';
import type { MailAddress, RenderInput } from '../mail/render.ts';
import { parseReferences } from './message-id.ts';
import { notFound } from './perform.ts';

/**
 * A stored message as the mail faces send it (the operator gateway, IMAP for pharmacy software):
 * the input of `renderMail` (src/mail/render.ts), read from the store, with the attachments
 * opened from the encrypted blob store only when the rendering reaches them.
 *
 * - Addresses: the patient's `<matricule>@patient.mssante.fr` (display name: the names given
 *   when the conversation started) and the pharmacy's ORG mailbox (display name: the pharmacy's).
 *   A patient's message goes from the first to the second, a team's the other way.
 * - Subject: the conversation's; every message after the first is `Re: <subject>` (unless the
 *   subject already starts with `Re:`).
 * - Threading: the stored Message-ID, In-Reply-To and References.
 * - `X-MSS-MES: FIN` on the message that closed the conversation; `X-MSS-NIL` from the caller.
 * - No read receipt is asked for (nothing stored says one was wanted).
 *
 * A blob is decrypted whole when its turn comes (BlobStore.get; at most one file, 10 MB, at a
 * time). This is a read for a mail face, not an action: it writes no audit record.
 */
export interface MailLoaderDeps {
  db: Kysely<Schema>;
  blobs: Pick<BlobStore, 'get'>;
  /** `X-MSS-NIL`: this software's reference, e.g. `Officine MSS 0.1.0`. */
  nil: string;
}

/** The render input of a stored message (its `messages.id`), or NOT_FOUND. */
export async function loadMessageAsMail(deps: MailLoaderDeps, messageId: string): Promise<RenderInput> {
  const row = await deps.db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('mailboxes as b', 'b.id', 'c.mailbox_id')
    .innerJoin('pharmacies as p', 'p.finess', 'c.pharmacy_finess')
    .select([
      'm.id',
      'm.position',
      'm.author_kind',
      'm.body',
      'm.message_id',
      'm.in_reply_to',
      'm.message_references',
      'm.closes_conversation',
      'm.created_at',
      'c.subject',
      'c.patient_matricule',
      'c.patient_given_names',
      'c.patient_family_name',
      'b.address as mailbox_address',
      'p.name as pharmacy_name',
    ])
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  if (!row) throw notFound('UNKNOWN_ID', 'Message introuvable.');
  const attachments = await deps.db
    .selectFrom('message_attachments')
    .select(['file_name', 'media_type', 'blob_sha256', 'blob_size'])
    .where('message_id', '=', row.id)
    .orderBy('position')
    .execute();
  const patient: MailAddress = {
    address: formatPatientAddress(row.patient_matricule),
    name: `${row.patient_given_names} ${row.patient_family_name}`.trim(),
  };
  const pharmacy: MailAddress = { address: row.mailbox_address, name: row.pharmacy_name };
  const fromPatient = row.author_kind === 'patient';
  return {
    from: fromPatient ? patient : pharmacy,
    to: [fromPatient ? pharmacy : patient],
    subject: row.position === 1 || /^re\s*:/i.test(row.subject) ? row.subject : `Re: ${row.subject}`,
    date: row.created_at,
    messageId: row.message_id,
    inReplyTo: row.in_reply_to,
    references: parseReferences(row.message_references),
    text: row.body,
    attachments: attachments.map((a) => ({
      filename: a.file_name,
      contentType: a.media_type,
      size: a.blob_size,
      // Readable.from starts the generator on the first read: the blob is read then, not now.
      open: () =>
        Readable.from(
          (async function* () {
            yield await deps.blobs.get(a.blob_sha256);
          })(),
        ),
    })),
    nil: deps.nil,
    fin: row.closes_conversation === 1,
  };
}
