import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/** Per-pharmacy API credentials for pharmacy software (LGO): only a hash of the secret is kept. */
export function apiCredentials(engine: Engine): Migration {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pharmacy_finess', 'text', (c) => c.notNull().references('pharmacies.finess'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_sha256', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('last_used_at', t.instant)
        .addColumn('revoked_at', t.instant)
        .addColumn('revoked_by', 'text')
        .execute();
      await db.schema
        .createIndex('api_credentials_by_pharmacy')
        .on('api_credentials')
        .column('pharmacy_finess')
        .execute();
    },
  };
}
