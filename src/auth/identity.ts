import type { AuditActor } from '../audit/trail.ts';
import type { Population } from '../config.ts';

/**
 * Who a logged-in browser is: a patient (by matricule INS, from a qualified identity) or a
 * professional (by RPPS). Built from the identity provider's claims at login (claims.ts), kept in
 * the session (sessions.ts). Who they are only: the pharmacies a professional works for, and as
 * what, are read from the directory whenever they matter, so that a change there applies at once.
 */

export interface PatientIdentity {
  population: 'patient';
  /** Matricule INS (15 characters), from a qualified (QUAL) identity. */
  matricule: string;
  givenNames: string;
  familyName: string;
}

export interface ProfessionalIdentity {
  population: 'professional';
  rpps: string;
  givenName: string;
  familyName: string;
}

export type SessionIdentity = PatientIdentity | ProfessionalIdentity;

export type { Population };

/** The subject column of a session: matricule for a patient, RPPS for a professional. */
export function subjectOf(identity: SessionIdentity): string {
  return identity.population === 'patient' ? identity.matricule : identity.rpps;
}

/** The audit actor of an identity: a patient only ever appears as their keyed pseudonym. */
export function auditActorOf(
  identity: SessionIdentity,
  pseudonym: (matricule: string) => string,
): AuditActor {
  return identity.population === 'patient'
    ? { kind: 'patient', pseudonym: pseudonym(identity.matricule) }
    : { kind: 'professional', rpps: identity.rpps };
}
