import type { AuditRecordTable } from '../db/schema.ts';
import type { AuditEntry } from './trail.ts';

/**
 * What an audit entry may hold: identifiers and codes, never free text and never a clear NIR.
 * A guard against programming mistakes (passing a matricule, a subject or an error message where
 * an id was expected): a rejected entry throws before anything is written. Messages name the
 * field, never repeat its value.
 */
export class InvalidAuditEntryError extends Error {
  override name = 'InvalidAuditEntryError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`Invalid audit entry: ${field} ${problem}`);
  }
}

/** Printable ASCII without spaces: identifiers, codes and dotted names only. */
const TOKEN = /^[\x21-\x7e]+$/;
const TOKEN_MAX = 200;
/** A stable dotted name: `auth.login`, `credential.revoke`. */
const ACTION = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*$/;
/** A stable code: `ACR_TOO_LOW`, `NOT_A_MEMBER`, `invalid_grant`. */
const REASON = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const CODE_MAX = 64;
/** The shape of patientPseudonym's output: HMAC-SHA256 in lowercase hex. */
export const PSEUDONYM = /^[0-9a-f]{64}$/;
/**
 * A NIR / matricule INS: 15 characters, digits but for `2A`/`2B` in the département position —
 * alone or as a token inside a value (`175037512300512@patient.mssante.fr`). The key is not
 * checked: a mistyped NIR is still personal data.
 */
const NIR_SHAPE = '[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}';
const NIR_ANYWHERE = new RegExp(`(?<![0-9A-Z])${NIR_SHAPE}(?![0-9A-Z])`, 'i');
const NIR_WHOLE = new RegExp(`^${NIR_SHAPE}$`, 'i');

export function looksLikeNir(value: string): boolean {
  return NIR_ANYWHERE.test(value) || NIR_WHOLE.test(value.replace(/[\s.]/g, ''));
}

function token(
  field: string,
  value: string | null | undefined,
  shape?: RegExp,
  max = TOKEN_MAX,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidAuditEntryError(field, 'must be a string or null');
  if (value.length === 0) throw new InvalidAuditEntryError(field, 'is empty (use null)');
  if (value.length > max) throw new InvalidAuditEntryError(field, `is longer than ${max} characters`);
  if (!TOKEN.test(value)) {
    throw new InvalidAuditEntryError(field, 'must be an identifier or code (printable ASCII, no spaces)');
  }
  if (shape && !shape.test(value)) throw new InvalidAuditEntryError(field, `does not match ${shape}`);
  if (looksLikeNir(value)) throw new InvalidAuditEntryError(field, 'looks like a clear NIR');
  return value;
}

function required(field: string, value: string | null | undefined, shape?: RegExp, max?: number): string {
  const checked = token(field, value, shape, max);
  if (checked === null) throw new InvalidAuditEntryError(field, 'is required');
  return checked;
}

/** The stored fields of an entry, once checked (everything but seq, at, the version and the hashes). */
export type CheckedEntry = Omit<AuditRecordTable, 'seq' | 'at' | 'chain_version' | 'prev_hash' | 'hash'>;

const RESULTS = new Set(['success', 'failure', 'denied']);

export function checkEntry(entry: AuditEntry): CheckedEntry {
  const actor = entry.actor;
  let actorId: string | null = null;
  let actorFiness: string | null = null;
  switch (actor?.kind) {
    case 'patient':
      actorId = required('actor.pseudonym', actor.pseudonym, PSEUDONYM);
      break;
    case 'professional':
      actorId = required('actor.rpps', actor.rpps);
      break;
    case 'api-credential':
      actorId = required('actor.credentialId', actor.credentialId);
      actorFiness = required('actor.finess', actor.finess);
      break;
    case 'system':
    case 'anonymous':
      break;
    default:
      throw new InvalidAuditEntryError('actor.kind', 'is unknown');
  }
  if (!RESULTS.has(entry.result)) throw new InvalidAuditEntryError('result', 'is unknown');
  const count = entry.count ?? null;
  if (count !== null && !(Number.isSafeInteger(count) && count >= 1)) {
    throw new InvalidAuditEntryError('count', 'must be a positive integer or null');
  }
  const windowStart = entry.windowStart ?? null;
  if (windowStart !== null && !(windowStart instanceof Date && Number.isFinite(windowStart.getTime()))) {
    throw new InvalidAuditEntryError('windowStart', 'must be a valid Date or null');
  }
  return {
    actor_kind: actor.kind,
    actor_id: actorId,
    actor_finess: actorFiness,
    on_behalf_of: token('onBehalfOf', entry.onBehalfOf),
    action: required('action', entry.action, ACTION, CODE_MAX),
    target: token('target', entry.target),
    request_id: token('requestId', entry.requestId),
    result: entry.result,
    reason: token('reason', entry.reason, REASON, CODE_MAX),
    count,
    window_start: windowStart?.toISOString() ?? null,
  };
}
