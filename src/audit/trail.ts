import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * The audit trail's one small interface, used by every capability (design note §3.5).
 * Records say who did what, on behalf of which mailbox, on what, with which result — never
 * message content, subjects, file names or a clear NIR (patients appear as a keyed pseudonym).
 */
export type AuditActor =
  | { kind: 'patient'; pseudonym: string }
  | { kind: 'professional'; rpps: string }
  | { kind: 'api-credential'; credentialId: string; finess: string }
  | { kind: 'system' }
  | { kind: 'anonymous' };

export type AuditResult = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  actor: AuditActor;
  /** The mailbox the actor acts for (its id), when there is one. */
  onBehalfOf?: string | null;
  /** A stable dotted name: `auth.login`, `auth.logout`, `credential.create`, … */
  action: string;
  /** What was acted on: ids only (conversation id, credential id, FINESS…), never content. */
  target?: string | null;
  requestId?: string | null;
  result: AuditResult;
  /** A stable code saying why, for failures and refusals (`ACR_TOO_LOW`, `NOT_A_MEMBER`…). */
  reason?: string | null;
  /** A summary record: how many refusals it stands for (src/audit/refusals.ts). */
  count?: number | null;
  /** A summary record: when the window it covers began (the record's time ends it). */
  windowStart?: Date | null;
}

export interface AuditTrail {
  /**
   * Appends one record. Pass the caller's transaction so the record commits with the action it
   * traces (design note §3.2); without one, the record is written in its own transaction.
   * Appending locks the chain head until that transaction ends: record as late as possible in it.
   * A rolled-back transaction leaves no record (a refusal that must stay traced is recorded
   * outside the transaction that fails).
   *
   * Throws InvalidAuditEntryError (guard.ts), before writing anything, when a field is not an
   * identifier or code (printable ASCII without spaces, ≤ 200 characters; `action` a dotted
   * lowercase name and `reason` a code, ≤ 64), when a patient pseudonym is not one made by
   * patientPseudonym, or when any field looks like a clear NIR.
   */
  record(entry: AuditEntry, trx?: Kysely<Schema>): Promise<void>;
  /**
   * The keyed pseudonym of a patient's matricule INS, as it appears in records: HMAC-SHA256 of the
   * matricule (separators removed, upper case) with the pseudonym key, in lowercase hex.
   */
  patientPseudonym(matricule: string): string;
}
