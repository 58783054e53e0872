import type { Kysely, Migration } from 'kysely';

/**
 * A session says who someone is, never what they may do: the memberships copied into it at login
 * went stale as soon as the directory changed (a removed or demoted titulaire kept their rights).
 * What a professional may do is read from the directory at each decision (design note §3.7).
 */
export function sessionIdentityOnly(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('auth_sessions').dropColumn('memberships').execute();
    },
  };
}
