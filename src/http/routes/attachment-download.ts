import type { FastifyReply } from 'fastify';
import type { BlobStore } from '../../attachments/attachment.ts';
import { downloadHeaders } from '../../attachments/download.ts';
import type { AttachmentDownload } from '../../messaging/reading.ts';

/** Sends an attachment the use case allowed, with the download headers of design note §3.4. */
export async function sendAttachment(reply: FastifyReply, blobs: BlobStore, attachment: AttachmentDownload) {
  const bytes = await blobs.get(attachment.blob.sha256);
  return reply.headers(downloadHeaders(attachment, bytes.length)).send(bytes);
}
