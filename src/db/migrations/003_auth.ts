import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../engine.ts';
import { columnTypes } from './column-types.ts';

/**
 * Login: browser sessions, pending OpenID Connect logins (state, nonce, PKCE verifier), login
 * rate-limit counters, and the bundled identity provider's own artefacts. Secrets that arrive from
 * the browser (session ids, `state`) are stored as SHA-256 only.
 */
export function auth(engine: Engine): Migration {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auth_sessions')
        .addColumn('id_sha256', 'text', (c) => c.primaryKey())
        .addColumn('population', 'text', (c) =>
          c.notNull().check(sql`population in ('patient', 'professional')`),
        )
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('given_name', 'text', (c) => c.notNull())
        .addColumn('family_name', 'text', (c) => c.notNull())
        .addColumn('memberships', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('last_seen_at', t.instant, (c) => c.notNull())
        .addColumn('expires_at', t.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_sessions_by_subject').on('auth_sessions').column('subject').execute();
      await db.schema
        .createIndex('auth_sessions_by_expiry')
        .on('auth_sessions')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('auth_login_states')
        .addColumn('state_sha256', 'text', (c) => c.primaryKey())
        .addColumn('population', 'text', (c) => c.notNull())
        .addColumn('browser_sha256', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('created_at', t.instant, (c) => c.notNull())
        .addColumn('expires_at', t.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('auth_rate_limits')
        .addColumn('bucket', 'text', (c) => c.primaryKey())
        .addColumn('window_start', t.instant, (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .execute();

      // oidc-provider's adapter: one row per model instance (sessions, interactions, codes,
      // tokens, grants), its payload as JSON.
      await db.schema
        .createTable('idp_artifacts')
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('user_code', 'text')
        .addColumn('uid', 'text')
        .addColumn('expires_at', t.instant)
        .addColumn('consumed_at', t.instant)
        .addPrimaryKeyConstraint('idp_artifacts_pk', ['model', 'id'])
        .execute();
      await db.schema.createIndex('idp_artifacts_by_grant').on('idp_artifacts').column('grant_id').execute();
      await db.schema.createIndex('idp_artifacts_by_uid').on('idp_artifacts').column('uid').execute();
    },
  };
}
