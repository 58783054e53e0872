import type { Kysely } from 'kysely';
import type { Population } from '../config.ts';
import type { Schema } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { sameSecret, sha256Hex } from './secrets.ts';

/**
 * Logins in progress: what the callback needs to check the identity provider's answer (`nonce`,
 * PKCE `code_verifier`), found by `state`. Kept in the store, so any process may receive the
 * callback; single use (consumed by a delete), expired after 10 minutes, and bound to the browser
 * that started the login through a pre-login cookie (never reused as a session id).
 */
export interface PendingLogin {
  population: Population;
  nonce: string;
  codeVerifier: string;
}

export type ConsumedLogin =
  | { status: 'ok'; login: PendingLogin }
  | { status: 'unknown' | 'expired' | 'other-browser' | 'other-population' };

export interface LoginStateStore {
  save(state: string, browserId: string, login: PendingLogin): Promise<void>;
  /** Takes the login out of the store whatever the outcome: a state is good for one callback. */
  consume(state: string, browserId: string | undefined, population: Population): Promise<ConsumedLogin>;
}

export const LOGIN_STATE_TTL_MS = 10 * 60_000;

export function createLoginStateStore(deps: { db: Kysely<Schema>; clock: Clock }): LoginStateStore {
  const { db, clock } = deps;
  return {
    async save(state, browserId, login) {
      const now = clock.now();
      await db.deleteFrom('auth_login_states').where('expires_at', '<=', now.toISOString()).execute();
      await db
        .insertInto('auth_login_states')
        .values({
          state_sha256: sha256Hex(state),
          population: login.population,
          browser_sha256: sha256Hex(browserId),
          nonce: login.nonce,
          code_verifier: login.codeVerifier,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + LOGIN_STATE_TTL_MS).toISOString(),
        })
        .execute();
    },

    async consume(state, browserId, population) {
      const row = await db
        .deleteFrom('auth_login_states')
        .where('state_sha256', '=', sha256Hex(state))
        .returningAll()
        .executeTakeFirst();
      if (!row) return { status: 'unknown' };
      if (clock.now().getTime() >= Date.parse(row.expires_at)) return { status: 'expired' };
      if (browserId === undefined || !sameSecret(row.browser_sha256, sha256Hex(browserId))) {
        return { status: 'other-browser' };
      }
      if (row.population !== population) return { status: 'other-population' };
      return {
        status: 'ok',
        login: { population: row.population, nonce: row.nonce, codeVerifier: row.code_verifier },
      };
    },
  };
}
