import type { Kysely } from 'kysely';
import type { MembershipRole, Schema } from '../db/schema.ts';
import {
  type CredentialStatus,
  type CredentialSuspension,
  credentialStanding,
} from './credential-standing.ts';

/**
 * Pharmacy software credentials as a titulaire reads them: each one with its creator and its
 * confirmer as the directory knows them now (name, role at this pharmacy), and whether it may act
 * (credential-standing.ts). One query, shared by the listing and by every authentication.
 */

/** A professional as the directory knows them now: their role at this pharmacy, null once they left. */
export interface CredentialPerson {
  rpps: string;
  name: string | null;
  role: MembershipRole | null;
}

export interface ApiCredential {
  id: string;
  finess: string;
  name: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  creator: CredentialPerson;
  /** The titulaire who confirmed it after its creator stopped being one; null until then. */
  confirmedBy: CredentialPerson | null;
  confirmedAt: string | null;
  status: CredentialStatus;
  suspension: CredentialSuspension | null;
}

/** Credentials with what the directory says now of the people and the mailbox behind them. */
export const withStanding = (q: Kysely<Schema>) =>
  q
    .selectFrom('api_credentials as c')
    .leftJoin('professionals as creator', 'creator.rpps', 'c.created_by')
    .leftJoin('memberships as creator_ms', (join) =>
      join
        .onRef('creator_ms.rpps', '=', 'c.created_by')
        .onRef('creator_ms.pharmacy_finess', '=', 'c.pharmacy_finess'),
    )
    .leftJoin('professionals as confirmer', 'confirmer.rpps', 'c.confirmed_by')
    .leftJoin('memberships as confirmer_ms', (join) =>
      join
        .onRef('confirmer_ms.rpps', '=', 'c.confirmed_by')
        .onRef('confirmer_ms.pharmacy_finess', '=', 'c.pharmacy_finess'),
    )
    .leftJoin('mailboxes as mb', (join) =>
      join.onRef('mb.pharmacy_finess', '=', 'c.pharmacy_finess').on('mb.kind', '=', 'ORG'),
    )
    .select([
      'c.id',
      'c.pharmacy_finess',
      'c.name',
      'c.secret_sha256',
      'c.created_by',
      'c.created_at',
      'c.last_used_at',
      'c.revoked_at',
      'c.confirmed_by',
      'c.confirmed_at',
      'creator.given_name as creator_given_name',
      'creator.family_name as creator_family_name',
      'creator_ms.role as creator_role',
      'confirmer.given_name as confirmer_given_name',
      'confirmer.family_name as confirmer_family_name',
      'confirmer_ms.role as confirmer_role',
      'mb.id as mailbox_id',
    ]);

export type CredentialRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof withStanding>['executeTakeFirst']>>
>;

const person = (
  rpps: string,
  given: string | null,
  family: string | null,
  role: MembershipRole | null,
): CredentialPerson => ({
  rpps,
  name: given === null || family === null ? null : `${given} ${family}`,
  role,
});

export const standingOf = (row: CredentialRow) =>
  credentialStanding({
    revokedAt: row.revoked_at,
    mailboxId: row.mailbox_id,
    responsibleRole: row.confirmed_by === null ? row.creator_role : row.confirmer_role,
  });

export const toCredential = (row: CredentialRow): ApiCredential => ({
  id: row.id,
  finess: row.pharmacy_finess,
  name: row.name,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
  creator: person(row.created_by, row.creator_given_name, row.creator_family_name, row.creator_role),
  confirmedBy:
    row.confirmed_by === null
      ? null
      : person(row.confirmed_by, row.confirmer_given_name, row.confirmer_family_name, row.confirmer_role),
  confirmedAt: row.confirmed_at,
  ...standingOf(row),
});
