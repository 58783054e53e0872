import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Schema } from '../../db/schema.ts';

/**
 * oidc-provider's storage in our store (table `idp_artifacts`), so the bundled provider's
 * sessions, interactions, codes and tokens survive a restart and are shared by every process.
 * Expiry uses oidc-provider's own time base (the system clock, in seconds).
 */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export function storeAdapter(db: Kysely<Schema>): (model: string) => Adapter {
  const alive = (nowIso: string) => (row: { expires_at: string | null }) =>
    row.expires_at === null || row.expires_at > nowIso;

  const read = async (model: string, column: 'id' | 'uid' | 'user_code', value: string) => {
    const row = await db
      .selectFrom('idp_artifacts')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('model', '=', model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row || !alive(new Date().toISOString())(row)) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  };

  return (model) => ({
    async upsert(id, payload, expiresIn) {
      const row = {
        payload: JSON.stringify(payload),
        grant_id: GRANTABLE.has(model) && typeof payload.grantId === 'string' ? payload.grantId : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: model === 'Session' && typeof payload.uid === 'string' ? payload.uid : null,
        expires_at:
          typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
      };
      await db
        .insertInto('idp_artifacts')
        .values({ model, id, consumed_at: null, ...row })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
        .execute();
    },
    find: (id) => read(model, 'id', id),
    findByUid: (uid) => read(model, 'uid', uid),
    findByUserCode: (userCode) => read(model, 'user_code', userCode),
    async consume(id) {
      await db
        .updateTable('idp_artifacts')
        .set({ consumed_at: new Date().toISOString() })
        .where('model', '=', model)
        .where('id', '=', id)
        .execute();
    },
    async destroy(id) {
      await db.deleteFrom('idp_artifacts').where('model', '=', model).where('id', '=', id).execute();
    },
    async revokeByGrantId(grantId) {
      await db.deleteFrom('idp_artifacts').where('grant_id', '=', grantId).execute();
    },
  });
}

/** Drops expired artefacts; called now and then so the table stays small. */
export async function purgeExpiredArtifacts(db: Kysely<Schema>): Promise<void> {
  await db.deleteFrom('idp_artifacts').where('expires_at', '<=', new Date().toISOString()).execute();
}
