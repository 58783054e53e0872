import type { MembershipRole } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';

/**
 * Whether a pharmacy software credential may act now — authority read now (design note §3.7),
 * from the directory at every request, never remembered. A credential acts while:
 * - the pharmacy still has its organisational mailbox (there is nothing else to act on);
 * - the titulaire who answers for it — whoever confirmed it last, else its creator — is a
 *   titulaire of the pharmacy now. When they leave or are demoted, the credential is suspended,
 *   not revoked: the person who created it saw the token once and may have kept it, so it stops
 *   acting that day; a current titulaire sees it in the list and confirms it (the pharmacy's
 *   software keeps working, now under their name) or revokes it and creates a new one.
 * Pure.
 */
export type CredentialSuspension = 'RESPONSIBLE_NOT_TITULAIRE' | 'NO_MAILBOX';

export type CredentialStatus = 'active' | 'suspended' | 'revoked';

export interface CredentialFacts {
  revokedAt: string | null;
  /** The pharmacy's ORG mailbox, or null when the directory has none. */
  mailboxId: string | null;
  /** The role now, at this pharmacy, of whoever answers for the credential; null: not a member. */
  responsibleRole: MembershipRole | null;
}

export function credentialStanding(facts: CredentialFacts): {
  status: CredentialStatus;
  suspension: CredentialSuspension | null;
} {
  if (facts.revokedAt !== null) return { status: 'revoked', suspension: null };
  if (facts.mailboxId === null) return { status: 'suspended', suspension: 'NO_MAILBOX' };
  if (facts.responsibleRole !== 'titulaire') {
    return { status: 'suspended', suspension: 'RESPONSIBLE_NOT_TITULAIRE' };
  }
  return { status: 'active', suspension: null };
}

const SUSPENDED: Record<CredentialSuspension, string> = {
  RESPONSIBLE_NOT_TITULAIRE:
    'Accès logiciel suspendu : le pharmacien qui en répond n’est plus titulaire de cette pharmacie dans ' +
    'l’annuaire. Un titulaire actuel doit le confirmer ou le révoquer.',
  NO_MAILBOX:
    'Accès logiciel suspendu : cette pharmacie n’a plus de messagerie organisationnelle dans l’annuaire.',
};

/** What pharmacy software is told (403 `CREDENTIAL_SUSPENDED`, with `details.reason`). */
export function suspendedError(reason: CredentialSuspension): DomainError {
  return new DomainError('CREDENTIAL_SUSPENDED', SUSPENDED[reason], { reason });
}
