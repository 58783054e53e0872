import type { AuditActor, AuditTrail } from '../audit/trail.ts';
import type { TeamActor } from './conversation.ts';

/**
 * Who acts on messaging. A patient comes from a session with a qualified identity; a team member
 * is a professional (RPPS; their membership is checked in the directory at every action, not
 * trusted from the session) or a pharmacy-software credential, which acts for its pharmacy only.
 */
export interface PatientActor {
  /** Matricule INS (15 characters). */
  matricule: string;
  givenNames: string;
  familyName: string;
}

export type TeamMember = (
  | { kind: 'professional'; rpps: string }
  | { kind: 'software'; credentialId: string; finess: string }
) & {
  /**
   * The pharmacy the caller names (an HTTP route under `/api/pharmacies/:finess`): when set, the
   * member acts for that pharmacy only, even if they also work elsewhere.
   */
  scope?: string;
};

/** Per-request context from the HTTP layer. */
export interface ActionContext {
  requestId?: string | null;
  /** The client's `Idempotency-Key`, on sends and replies. */
  idempotencyKey?: string | null;
}

export function patientAuditActor(audit: AuditTrail, patient: PatientActor): AuditActor {
  return { kind: 'patient', pseudonym: audit.patientPseudonym(patient.matricule) };
}

export function teamAuditActor(member: TeamMember): AuditActor {
  return member.kind === 'professional'
    ? { kind: 'professional', rpps: member.rpps }
    : { kind: 'api-credential', credentialId: member.credentialId, finess: member.finess };
}

/** The actor as the pure state machine knows it. */
export function teamActorOf(member: TeamMember): TeamActor {
  return member.kind === 'professional'
    ? { kind: 'professional', rpps: member.rpps }
    : { kind: 'software', credentialId: member.credentialId };
}

/** The key of a team member's own read state: their RPPS, or `api:<id>` for software. */
export function readerKey(member: TeamMember): string {
  return member.kind === 'professional' ? member.rpps : `api:${member.credentialId}`;
}

/** Whose idempotency keys these are: keys of different actors never collide. */
export function idempotencyActor(actor: PatientActor | TeamMember): string {
  if ('matricule' in actor) return `patient:${actor.matricule}`;
  return actor.kind === 'professional' ? `pro:${actor.rpps}` : `api:${actor.credentialId}`;
}

/** The author columns of a team member's message. */
export function teamAuthor(member: TeamMember): { kind: 'professional' | 'software'; id: string } {
  return member.kind === 'professional'
    ? { kind: 'professional', id: member.rpps }
    : { kind: 'software', id: member.credentialId };
}
