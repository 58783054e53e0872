import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * A pharmacy software credential acts while a current titulaire answers for it: its creator, or
 * the titulaire who confirmed it since (src/auth/api-credentials.ts). Null until confirmed.
 */
export function credentialConfirmation(engine: Engine): Migration {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('api_credentials').addColumn('confirmed_by', 'text').execute();
      await db.schema.alterTable('api_credentials').addColumn('confirmed_at', t.instant).execute();
    },
  };
}
