import type { Kysely, Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import type { ConversationTable, MessageAttachmentTable, MessageTable, Schema } from '../db/schema.ts';
import { roleAt } from '../directory/store.ts';
import type { ConversationState, PreparationStatus } from './conversation.ts';
import { formatReferences, messageIdFor, parseReferences, replyHeaders } from './message-id.ts';

/**
 * Messaging rows: conversations, messages and their attachment records, read states. Every
 * writing function takes the action's transaction.
 */
export type ConversationRow = Selectable<ConversationTable>;
export type MessageRow = Selectable<MessageTable>;
export type AttachmentRow = Selectable<MessageAttachmentTable>;

export function stateOf(row: ConversationRow): ConversationState {
  return {
    status: statusOf(row),
    claimedBy: row.claimed_by,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
  };
}

export function statusOf(
  row: Pick<ConversationRow, 'status' | 'rest_expected_on' | 'cannot_fill_reason'>,
): PreparationStatus {
  switch (row.status) {
    case 'partial':
      return { code: 'partial', restExpectedOn: row.rest_expected_on ?? '' };
    case 'cannot_fill':
      return { code: 'cannot_fill', reason: row.cannot_fill_reason ?? '' };
    default:
      return { code: row.status };
  }
}

function stateColumns(state: ConversationState) {
  const s = state.status;
  return {
    status: s.code,
    rest_expected_on: s.code === 'partial' ? s.restExpectedOn : null,
    cannot_fill_reason: s.code === 'cannot_fill' ? s.reason : null,
    claimed_by: state.claimedBy,
    closed_at: state.closedAt,
    updated_at: state.updatedAt,
  };
}

/**
 * The conversation, locked for this transaction: the version bump is its first write, which takes
 * the row lock on PostgreSQL and the write lock on SQLite before anything is read.
 */
export async function lockConversation(
  trx: Kysely<Schema>,
  id: string,
): Promise<ConversationRow | undefined> {
  return trx
    .updateTable('conversations')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findConversation(db: Kysely<Schema>, id: string): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewConversation {
  pharmacyFiness: string;
  mailboxId: string;
  patient: { matricule: string; givenNames: string; familyName: string };
  subject: string;
  state: ConversationState;
}

export async function insertConversation(
  trx: Kysely<Schema>,
  input: NewConversation,
): Promise<ConversationRow> {
  const row: ConversationRow = {
    id: uuidv7(),
    pharmacy_finess: input.pharmacyFiness,
    mailbox_id: input.mailboxId,
    patient_matricule: input.patient.matricule,
    patient_given_names: input.patient.givenNames,
    patient_family_name: input.patient.familyName,
    subject: input.subject,
    ...stateColumns(input.state),
    claimed_at: null,
    closed_by: null,
    message_count: 0,
    last_patient_position: 0,
    last_team_position: 0,
    last_message_at: input.state.updatedAt,
    created_at: input.state.updatedAt,
    version: 1,
  };
  await trx.insertInto('conversations').values(row).execute();
  return row;
}

/** Writes a new state; `claimedAt` / `closedBy` when the claim or the closing changed. */
export async function saveState(
  trx: Kysely<Schema>,
  row: ConversationRow,
  state: ConversationState,
  extra: { claimedAt?: string; closedBy?: string } = {},
): Promise<ConversationRow> {
  const changes = {
    ...stateColumns(state),
    ...(extra.claimedAt !== undefined ? { claimed_at: extra.claimedAt } : {}),
    ...(extra.closedBy !== undefined ? { closed_by: extra.closedBy } : {}),
  };
  await trx.updateTable('conversations').set(changes).where('id', '=', row.id).execute();
  return { ...row, ...changes };
}

export interface NewMessage {
  author: { kind: 'patient' | 'professional' | 'software'; id: string };
  body: string;
  attachments: readonly ProcessedAttachment[];
  templateId?: string | null;
  closesConversation?: boolean;
  at: string;
  messageIdDomain: string;
}

/**
 * Appends a message (position = count + 1) with its attachment records to a conversation locked
 * by this transaction, with Message-ID, In-Reply-To and References from the previous message.
 */
export async function appendMessage(
  trx: Kysely<Schema>,
  conversation: ConversationRow,
  input: NewMessage,
): Promise<{ conversation: ConversationRow; message: MessageRow; attachments: AttachmentRow[] }> {
  const previous =
    conversation.message_count === 0
      ? undefined
      : await trx
          .selectFrom('messages')
          .select(['message_id', 'in_reply_to', 'message_references'])
          .where('conversation_id', '=', conversation.id)
          .where('position', '=', conversation.message_count)
          .executeTakeFirstOrThrow();
  const headers = previous
    ? replyHeaders({
        messageId: previous.message_id,
        inReplyTo: previous.in_reply_to,
        references: parseReferences(previous.message_references),
      })
    : { inReplyTo: null, references: [] };
  const id = uuidv7();
  const position = conversation.message_count + 1;
  const message: MessageRow = {
    id,
    conversation_id: conversation.id,
    position,
    author_kind: input.author.kind,
    author_id: input.author.id,
    body: input.body,
    message_id: messageIdFor(id, input.messageIdDomain),
    in_reply_to: headers.inReplyTo,
    message_references: formatReferences(headers.references),
    template_id: input.templateId ?? null,
    closes_conversation: input.closesConversation ? 1 : 0,
    created_at: input.at,
  };
  await trx.insertInto('messages').values(message).execute();
  const attachments: AttachmentRow[] = input.attachments.map((a, index) => ({
    id: uuidv7(),
    message_id: id,
    conversation_id: conversation.id,
    position: index + 1,
    kind: a.kind,
    media_type: a.mediaType,
    source_type: a.sourceType,
    source_sha256: a.sourceSha256,
    source_size: a.sourceSize,
    file_name: a.fileName,
    blob_sha256: a.blob.sha256,
    blob_size: a.blob.size,
    thumbnail_sha256: a.thumbnail?.sha256 ?? null,
    thumbnail_size: a.thumbnail?.size ?? null,
    width: a.width,
    height: a.height,
    pages: a.pages,
    flags: JSON.stringify(a.flags),
    prescription_numbers: JSON.stringify(a.prescriptionNumbers),
    created_at: input.at,
  }));
  if (attachments.length > 0) await trx.insertInto('message_attachments').values(attachments).execute();
  const fromPatient = input.author.kind === 'patient';
  const changes = {
    message_count: position,
    last_message_at: input.at,
    updated_at: input.at,
    ...(fromPatient ? { last_patient_position: position } : { last_team_position: position }),
  };
  await trx.updateTable('conversations').set(changes).where('id', '=', conversation.id).execute();
  return { conversation: { ...conversation, ...changes }, message, attachments };
}

export async function conversationMessages(
  db: Kysely<Schema>,
  conversationId: string,
): Promise<{ messages: MessageRow[]; attachments: AttachmentRow[] }> {
  const messages = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('position')
    .execute();
  const attachments = await db
    .selectFrom('message_attachments')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('message_id')
    .orderBy('position')
    .execute();
  return { messages, attachments };
}

export async function findAttachment(db: Kysely<Schema>, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom('message_attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Marks a conversation read up to `position` for one team member; true when that moved their
 * read state forward (a read state never moves back).
 */
export async function markTeamRead(
  trx: Kysely<Schema>,
  conversationId: string,
  reader: string,
  upTo: { position: number; messageId: string },
  at: string,
): Promise<boolean> {
  const values = { last_read_position: upTo.position, last_read_message_id: upTo.messageId, read_at: at };
  const row = await trx
    .insertInto('team_read_states')
    .values({ conversation_id: conversationId, reader, ...values })
    .onConflict((oc) =>
      oc
        .columns(['conversation_id', 'reader'])
        .doUpdateSet(values)
        .where('team_read_states.last_read_position', '<', upTo.position),
    )
    .returning('reader')
    .executeTakeFirst();
  return row !== undefined;
}

export async function markPatientRead(
  trx: Kysely<Schema>,
  conversationId: string,
  upTo: { position: number; messageId: string },
  at: string,
): Promise<boolean> {
  const values = { last_read_position: upTo.position, last_read_message_id: upTo.messageId, read_at: at };
  const row = await trx
    .insertInto('patient_read_states')
    .values({ conversation_id: conversationId, ...values })
    .onConflict((oc) =>
      oc
        .column('conversation_id')
        .doUpdateSet(values)
        .where('patient_read_states.last_read_position', '<', upTo.position),
    )
    .returning('conversation_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The organisational mailbox of a pharmacy (published or not) and the pharmacy's name. */
export async function pharmacyMailbox(
  db: Kysely<Schema>,
  finess: string,
): Promise<{ finess: string; name: string; mailboxId: string | null; published: boolean } | undefined> {
  const row = await db
    .selectFrom('pharmacies as p')
    .leftJoin('mailboxes as m', (join) =>
      join.onRef('m.pharmacy_finess', '=', 'p.finess').on('m.kind', '=', 'ORG'),
    )
    .select(['p.finess', 'p.name', 'm.id as mailboxId', 'm.published'])
    .where('p.finess', '=', finess)
    .executeTakeFirst();
  return (
    row && { finess: row.finess, name: row.name, mailboxId: row.mailboxId, published: row.published === 1 }
  );
}

export async function isMember(db: Kysely<Schema>, rpps: string, finess: string): Promise<boolean> {
  return (await roleAt(db, rpps, finess)) !== null;
}
