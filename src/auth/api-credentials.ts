import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { AuditTrail } from '../audit/trail.ts';
import type { Store } from '../db/connect.ts';
import type { Schema } from '../db/schema.ts';
import { roleAt } from '../directory/store.ts';
import { DomainError } from '../domain-error.ts';
import type { Clock } from '../time/clock.ts';
import type { CredentialSuspension } from './credential-standing.ts';
import { type ApiCredential, standingOf, toCredential, withStanding } from './credential-view.ts';

/**
 * API credentials for pharmacy software (an LGO integrating the mailbox). A titulaire creates,
 * names, lists, confirms and revokes them for their own pharmacy. The token is shown once:
 * `omss_<id>.<secret>` — the id finds the row, the 256-bit secret is checked against its stored
 * SHA-256 (a slow hash adds nothing for a random secret of this size). Each credential acts for
 * its pharmacy only, is audited as itself, and acts only while the directory says it may
 * (credential-standing.ts): read at every request, like the managers' own titulaire role.
 */
/** A professional managing credentials: whether they are a titulaire is read from the directory. */
export interface CredentialManager {
  rpps: string;
}

export interface ApiCredentialContext {
  requestId?: string | null;
}

export type CredentialAuthentication =
  | { status: 'active'; credentialId: string; finess: string }
  | { status: 'suspended'; credentialId: string; finess: string; reason: CredentialSuspension };

export interface ApiCredentialService {
  create(
    actor: CredentialManager,
    finess: string,
    name: string,
    context?: ApiCredentialContext,
  ): Promise<{ credential: ApiCredential; token: string }>;
  list(actor: CredentialManager, finess: string, context?: ApiCredentialContext): Promise<ApiCredential[]>;
  /** A current titulaire answers for the credential from now on: a suspended one acts again. */
  confirm(
    actor: CredentialManager,
    finess: string,
    id: string,
    context?: ApiCredentialContext,
  ): Promise<ApiCredential>;
  revoke(actor: CredentialManager, finess: string, id: string, context?: ApiCredentialContext): Promise<void>;
  /**
   * The pharmacy a token acts for and whether it may act now; null for an unknown, malformed or
   * revoked token.
   */
  authenticate(token: string): Promise<CredentialAuthentication | null>;
}

const TOKEN = /^omss_([0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;
const NAME_MAX = 80;
/** `last_used_at` is refreshed at most this often, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const compactId = (id: string) => id.replaceAll('-', '');
const expandId = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export function createApiCredentialService(deps: {
  store: Store;
  audit: AuditTrail;
  clock: Clock;
}): ApiCredentialService {
  const { store, audit, clock } = deps;
  const { db } = store;

  async function requireTitulaire(
    actor: CredentialManager,
    finess: string,
    action: string,
    context?: ApiCredentialContext,
  ) {
    if ((await roleAt(db, actor.rpps, finess)) === 'titulaire') return;
    await audit.record({
      actor: { kind: 'professional', rpps: actor.rpps },
      action,
      target: finess,
      requestId: context?.requestId ?? null,
      result: 'denied',
      reason: 'NOT_TITULAIRE',
    });
    throw new DomainError(
      'FORBIDDEN',
      "Seul un pharmacien titulaire de cette pharmacie peut gérer les accès des logiciels d'officine.",
    );
  }

  const one = async (id: string) =>
    toCredential(await withStanding(db).where('c.id', '=', id).executeTakeFirstOrThrow());

  /** Confirm and revoke: a change to one live credential of the pharmacy, audited with it. */
  async function change(
    actor: CredentialManager,
    finess: string,
    id: string,
    action: 'credential.confirm' | 'credential.revoke',
    set: Partial<
      Pick<Schema['api_credentials'], 'confirmed_by' | 'confirmed_at' | 'revoked_by' | 'revoked_at'>
    >,
    context?: ApiCredentialContext,
  ): Promise<void> {
    await requireTitulaire(actor, finess, action, context);
    const trace = (result: 'success' | 'failure', trx?: typeof db) =>
      audit.record(
        {
          actor: { kind: 'professional', rpps: actor.rpps },
          action,
          target: id,
          requestId: context?.requestId ?? null,
          result,
          reason: result === 'success' ? null : 'NOT_FOUND',
        },
        trx,
      );
    const changed = await db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('api_credentials')
        .set(set)
        .where('id', '=', id)
        .where('pharmacy_finess', '=', finess)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trace('success', trx);
      return true;
    });
    if (!changed) {
      // Another pharmacy's credential and an unknown id look the same: no existence oracle.
      await trace('failure');
      throw new DomainError('NOT_FOUND', 'Accès introuvable ou déjà révoqué.');
    }
  }

  return {
    async create(actor, finess, rawName, context) {
      await requireTitulaire(actor, finess, 'credential.create', context);
      const name = rawName.trim();
      if (name.length === 0 || name.length > NAME_MAX) {
        throw new DomainError(
          'INVALID_CREDENTIAL_NAME',
          `Donnez à cet accès un nom de 1 à ${NAME_MAX} caractères.`,
        );
      }
      const id = uuidv7();
      const secret = randomBytes(32).toString('base64url');
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('api_credentials')
          .values({
            id,
            pharmacy_finess: finess,
            name,
            secret_sha256: sha256(secret),
            created_by: actor.rpps,
            created_at: clock.now().toISOString(),
            last_used_at: null,
            revoked_at: null,
            revoked_by: null,
            confirmed_by: null,
            confirmed_at: null,
          })
          .execute();
        await audit.record(
          {
            actor: { kind: 'professional', rpps: actor.rpps },
            action: 'credential.create',
            target: id,
            requestId: context?.requestId ?? null,
            result: 'success',
          },
          trx,
        );
      });
      return { credential: await one(id), token: `omss_${compactId(id)}.${secret}` };
    },

    async list(actor, finess, context) {
      await requireTitulaire(actor, finess, 'credential.list', context);
      const rows = await withStanding(db)
        .where('c.pharmacy_finess', '=', finess)
        .orderBy('c.created_at', 'desc')
        .execute();
      return rows.map(toCredential);
    },

    async confirm(actor, finess, id, context) {
      const at = clock.now().toISOString();
      await change(
        actor,
        finess,
        id,
        'credential.confirm',
        { confirmed_by: actor.rpps, confirmed_at: at },
        context,
      );
      return one(id);
    },

    async revoke(actor, finess, id, context) {
      const at = clock.now().toISOString();
      await change(
        actor,
        finess,
        id,
        'credential.revoke',
        { revoked_at: at, revoked_by: actor.rpps },
        context,
      );
    },

    async authenticate(token) {
      const match = TOKEN.exec(token);
      if (!match) return null;
      const id = expandId(match[1] as string);
      const row = await withStanding(db).where('c.id', '=', id).executeTakeFirst();
      const presented = Buffer.from(sha256(match[2] as string), 'hex');
      const expected = Buffer.from(row?.secret_sha256 ?? sha256(''), 'hex');
      if (!row || !timingSafeEqual(presented, expected)) return null;
      const standing = standingOf(row);
      const found = { credentialId: row.id, finess: row.pharmacy_finess };
      if (standing.status === 'revoked') return null;
      if (standing.suspension !== null) return { status: 'suspended', ...found, reason: standing.suspension };
      const now = clock.now();
      if (
        row.last_used_at === null ||
        now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS
      ) {
        await db
          .updateTable('api_credentials')
          .set({ last_used_at: now.toISOString() })
          .where('id', '=', id)
          .execute();
      }
      return { status: 'active', ...found };
    },
  };
}
