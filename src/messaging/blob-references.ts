import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * The blob addresses among `sha256s` that an attachment record references, as its blob or its
 * thumbnail, or that a spooled inbound message is (src/gateway/spool.ts): what the blob sweep
 * (src/attachments/blob-sweep.ts) must keep.
 */
export async function referencedBlobs(db: Kysely<Schema>, sha256s: readonly string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const list = [...sha256s];
  const [blobs, thumbnails, inbound] = await Promise.all([
    db
      .selectFrom('message_attachments')
      .select('blob_sha256 as sha256')
      .where('blob_sha256', 'in', list)
      .execute(),
    db
      .selectFrom('message_attachments')
      .select('thumbnail_sha256 as sha256')
      .where('thumbnail_sha256', 'in', list)
      .execute(),
    db.selectFrom('inbound_mail').select('blob_sha256 as sha256').where('blob_sha256', 'in', list).execute(),
  ]);
  return new Set([...blobs, ...thumbnails, ...inbound].flatMap((r) => (r.sha256 === null ? [] : [r.sha256])));
}
