import { ACR_LEVELS, type AcrLevel } from '../config.ts';
import { NIA_OID, NIR_OID, parseNationalId } from '../identity/national-id.ts';
import { parseNir } from '../identity/nir.ts';

/**
 * From an identity provider's claims to who logs in. Pure: the caller adds the professional's
 * memberships from the directory.
 *
 * Patients (Mon espace santé / FranceConnect style): `ins_matricule`, `ins_oid`, `ins_status`,
 * `given_name`, `family_name`. Professionals (Pro Santé Connect style): `SubjectNameID`, the
 * national id `8` + RPPS, `given_name`, `family_name`.
 */
export type Claims = Readonly<Record<string, unknown>>;

/** True when `acr` is a known eIDAS level at least `min` (eidas1 < eidas2 < eidas3). */
export function acrSatisfies(acr: unknown, min: AcrLevel): boolean {
  const rank = ACR_LEVELS.indexOf(acr as AcrLevel);
  return rank >= 0 && rank >= ACR_LEVELS.indexOf(min);
}

export interface PatientClaims {
  matricule: string;
  givenNames: string;
  familyName: string;
}

export interface ProfessionalClaims {
  rpps: string;
  givenName: string;
  familyName: string;
}

export type ClaimsResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'IDENTITY_NOT_QUALIFIED' | 'INVALID_CLAIMS' };

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

export function patientFromClaims(claims: Claims): ClaimsResult<PatientClaims> {
  const matricule = text(claims.ins_matricule);
  // No INS at all, or one that is not qualified: the identity may not be used for messaging.
  if (matricule === null || claims.ins_status !== 'QUAL')
    return { ok: false, reason: 'IDENTITY_NOT_QUALIFIED' };
  const nir = parseNir(matricule);
  if (!nir.ok) return { ok: false, reason: 'INVALID_CLAIMS' };
  if (claims.ins_oid !== NIR_OID && claims.ins_oid !== NIA_OID)
    return { ok: false, reason: 'INVALID_CLAIMS' };
  const givenNames = text(claims.given_name);
  const familyName = text(claims.family_name);
  if (givenNames === null || familyName === null) return { ok: false, reason: 'INVALID_CLAIMS' };
  return { ok: true, value: { matricule: nir.nir.value, givenNames, familyName } };
}

export function professionalFromClaims(claims: Claims): ClaimsResult<ProfessionalClaims> {
  const nationalId = text(claims.SubjectNameID);
  if (nationalId === null) return { ok: false, reason: 'INVALID_CLAIMS' };
  const parsed = parseNationalId(nationalId);
  if (!parsed.ok || parsed.id.kind !== 'professional') return { ok: false, reason: 'INVALID_CLAIMS' };
  const givenName = text(claims.given_name);
  const familyName = text(claims.family_name);
  if (givenName === null || familyName === null) return { ok: false, reason: 'INVALID_CLAIMS' };
  return { ok: true, value: { rpps: parsed.id.rpps.value, givenName, familyName } };
}

/** The account a set of claims names, for per-account rate limiting; null when none. */
export function claimedAccount(claims: Claims): string | null {
  return text(claims.ins_matricule) ?? text(claims.SubjectNameID) ?? text(claims.sub);
}
