import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthSessionTable, Schema } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { type Population, type SessionIdentity, subjectOf } from './identity.ts';
import { randomSecret, sha256Hex } from './secrets.ts';

/**
 * Server-side browser sessions, in the store: they survive a restart and every process sees the
 * same ones. The browser holds a random 256-bit id; the store holds only its SHA-256, so a copy
 * of the database does not let anyone act as a user. An id is created at login and never before
 * (a pre-login id is never promoted), and dies at logout, after an idle period (per population)
 * or at an absolute limit, whichever comes first. A session says who someone is, never what they
 * may do: a professional's pharmacies and roles are read from the directory at each decision.
 */
export interface Session {
  identity: SessionIdentity;
  /** The anti-CSRF token of this session, derived from its id (never stored). */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export type SessionLookup =
  | { status: 'active'; session: Session }
  | { status: 'expired'; identity: SessionIdentity; reason: 'idle' | 'absolute' }
  | { status: 'unknown' };

export interface SessionStore {
  /**
   * A new session with a fresh id (returned once: it goes into the cookie). Pass the caller's
   * transaction to commit it with other writes (the login's audit record).
   */
  create(identity: SessionIdentity, trx?: Kysely<Schema>): Promise<{ id: string; session: Session }>;
  /**
   * The session for a cookie value. An expired session is deleted as it is found and reported
   * once as `expired` (the caller audits it); afterwards it is `unknown`.
   */
  resolve(id: string): Promise<SessionLookup>;
  /**
   * Whether the session still lives (not logged out, not past its idle or absolute limit),
   * without deleting it. An open event stream asks this at every heartbeat; with
   * `countsAsActivity` (the counter app) a live answer also refreshes it, so a counter left open
   * keeps its session until SESSION_MAX_HOURS — a patient's forgotten tab still idles out.
   */
  alive(id: string, options: { countsAsActivity: boolean }): Promise<boolean>;
  /** Ends a session everywhere; returns whose it was, or null when there was none. */
  destroy(id: string): Promise<SessionIdentity | null>;
}

export interface SessionPolicy {
  idleMinutes: Record<Population, number>;
  maxHours: number;
}

/** `last_seen_at` is written at most this often: a busy session is not a write per request. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;

const MINUTE_MS = 60_000;

/** Why a session is over at `now`, or null while it lives. Pure. */
export function sessionEnd(
  row: Pick<AuthSessionTable, 'population' | 'last_seen_at' | 'expires_at'>,
  now: Date,
  policy: SessionPolicy,
): 'idle' | 'absolute' | null {
  const t = now.getTime();
  if (t >= Date.parse(row.expires_at)) return 'absolute';
  if (t - Date.parse(row.last_seen_at) >= policy.idleMinutes[row.population] * MINUTE_MS) return 'idle';
  return null;
}

export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`officine-mss csrf\u0000${sessionId}`).digest('base64url');
}

function identityOf(row: AuthSessionTable): SessionIdentity {
  if (row.population === 'patient') {
    return {
      population: 'patient',
      matricule: row.subject,
      givenNames: row.given_name,
      familyName: row.family_name,
    };
  }
  return {
    population: 'professional',
    rpps: row.subject,
    givenName: row.given_name,
    familyName: row.family_name,
  };
}

function sessionOf(id: string, row: AuthSessionTable): Session {
  return {
    identity: identityOf(row),
    csrfToken: csrfTokenFor(id),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export function createSessionStore(deps: {
  db: Kysely<Schema>;
  clock: Clock;
  policy: SessionPolicy;
}): SessionStore {
  const { db, clock, policy } = deps;

  /** Activity: `last_seen_at` moves forward, at most once per LAST_SEEN_RESOLUTION_MS. */
  async function touch(
    idSha256: string,
    row: Pick<AuthSessionTable, 'last_seen_at'>,
    now: Date,
  ): Promise<void> {
    if (now.getTime() - Date.parse(row.last_seen_at) < LAST_SEEN_RESOLUTION_MS) return;
    row.last_seen_at = now.toISOString();
    await db
      .updateTable('auth_sessions')
      .set({ last_seen_at: row.last_seen_at })
      .where('id_sha256', '=', idSha256)
      .execute();
  }

  /** Sessions nobody came back for: removed at each login so the table stays small. */
  async function purgeAbandoned(q: Kysely<Schema>, now: Date): Promise<void> {
    await q
      .deleteFrom('auth_sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now.toISOString()),
          ...(['patient', 'professional'] as const).map((population) =>
            eb.and([
              eb('population', '=', population),
              eb(
                'last_seen_at',
                '<=',
                new Date(now.getTime() - policy.idleMinutes[population] * MINUTE_MS).toISOString(),
              ),
            ]),
          ),
        ]),
      )
      .execute();
  }

  return {
    async create(identity, trx) {
      // Inside the caller's transaction everything goes through it (SQLite has one connection).
      const q = trx ?? db;
      const now = clock.now();
      await purgeAbandoned(q, now);
      const id = randomSecret(32);
      const at = now.toISOString();
      const row: AuthSessionTable = {
        id_sha256: sha256Hex(id),
        population: identity.population,
        subject: subjectOf(identity),
        given_name: identity.population === 'patient' ? identity.givenNames : identity.givenName,
        family_name: identity.familyName,
        created_at: at,
        last_seen_at: at,
        expires_at: new Date(now.getTime() + policy.maxHours * 60 * MINUTE_MS).toISOString(),
      };
      await q.insertInto('auth_sessions').values(row).execute();
      return { id, session: sessionOf(id, row) };
    },

    async resolve(id) {
      const idSha256 = sha256Hex(id);
      const row = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('id_sha256', '=', idSha256)
        .executeTakeFirst();
      if (!row) return { status: 'unknown' };
      const now = clock.now();
      const ended = sessionEnd(row, now, policy);
      if (ended) {
        // Only the process that actually deletes the row reports the expiry: audited once.
        const deleted = await db
          .deleteFrom('auth_sessions')
          .where('id_sha256', '=', idSha256)
          .executeTakeFirst();
        return Number(deleted.numDeletedRows) > 0
          ? { status: 'expired', identity: identityOf(row), reason: ended }
          : { status: 'unknown' };
      }
      await touch(idSha256, row, now);
      return { status: 'active', session: sessionOf(id, row) };
    },

    async alive(id, { countsAsActivity }) {
      const idSha256 = sha256Hex(id);
      const row = await db
        .selectFrom('auth_sessions')
        .select(['population', 'last_seen_at', 'expires_at'])
        .where('id_sha256', '=', idSha256)
        .executeTakeFirst();
      const now = clock.now();
      if (row === undefined || sessionEnd(row, now, policy) !== null) return false;
      if (countsAsActivity) await touch(idSha256, row, now);
      return true;
    },

    async destroy(id) {
      const row = await db
        .deleteFrom('auth_sessions')
        .where('id_sha256', '=', sha256Hex(id))
        .returningAll()
        .executeTakeFirst();
      return row ? identityOf(row) : null;
    },
  };
}
