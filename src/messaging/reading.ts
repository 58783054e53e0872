import type { Kysely } from 'kysely';
import type { AttachmentFlag, BlobRef } from '../attachments/attachment.ts';
import type { Schema } from '../db/schema.ts';
import { type ConversationRow, conversationMessages } from './store.ts';
import { fullName, type MessageView, messageView } from './views.ts';

/** Reading a conversation: its messages with attachments and author names. */
export interface ConversationDetail<S> {
  conversation: S;
  messages: MessageView[];
}

export async function conversationDetail(
  db: Kysely<Schema>,
  row: ConversationRow,
  pharmacyName: string,
): Promise<{ row: ConversationRow; messages: MessageView[] }> {
  const { messages, attachments } = await conversationMessages(db, row.id);
  const rpps = [...new Set(messages.filter((m) => m.author_kind === 'professional').map((m) => m.author_id))];
  const professionals =
    rpps.length === 0
      ? []
      : await db
          .selectFrom('professionals')
          .select(['rpps', 'given_name', 'family_name'])
          .where('rpps', 'in', rpps)
          .execute();
  const names = {
    patient: fullName(row.patient_given_names, row.patient_family_name),
    pharmacy: pharmacyName,
    professionals: new Map(professionals.map((p) => [p.rpps, fullName(p.given_name, p.family_name)])),
  };
  // The row as read with the messages: a message appended since the caller's read is included.
  const count = messages.at(-1)?.position ?? row.message_count;
  return {
    row: { ...row, message_count: Math.max(count, row.message_count) },
    messages: messages.map((m) => messageView(m, attachments, names)),
  };
}

/** What the HTTP layer needs to stream an attachment (the bytes are in the blob store). */
export interface AttachmentDownload {
  id: string;
  conversationId: string;
  fileName: string;
  mediaType: string;
  size: number;
  blob: BlobRef;
  thumbnail: BlobRef | null;
  flags: AttachmentFlag[];
}

export function downloadOf(row: {
  id: string;
  conversation_id: string;
  file_name: string;
  media_type: string;
  blob_sha256: string;
  blob_size: number;
  thumbnail_sha256: string | null;
  thumbnail_size: number | null;
  flags: string;
}): AttachmentDownload {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    fileName: row.file_name,
    mediaType: row.media_type,
    size: Number(row.blob_size),
    blob: { sha256: row.blob_sha256, size: Number(row.blob_size) },
    thumbnail:
      row.thumbnail_sha256 === null
        ? null
        : { sha256: row.thumbnail_sha256, size: Number(row.thumbnail_size) },
    flags: JSON.parse(row.flags) as AttachmentFlag[],
  };
}
