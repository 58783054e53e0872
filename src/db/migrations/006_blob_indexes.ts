import type { Kysely, Migration } from 'kysely';

/**
 * Which attachment rows use a blob: the blob sweep (src/attachments/blob-sweep.ts) asks this for
 * every candidate, so both content addresses get an index.
 */
export function blobIndexes(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('message_attachments_by_blob')
        .on('message_attachments')
        .column('blob_sha256')
        .execute();
      await db.schema
        .createIndex('message_attachments_by_thumbnail')
        .on('message_attachments')
        .column('thumbnail_sha256')
        .execute();
    },
  };
}
