import { createHash } from 'node:crypto';

/**
 * The canonical form of an audit record and its hash — the definition `audit verify` checks,
 * written so that an auditor can recompute it with any language.
 *
 * Fields, in this order (the columns of `audit_records`, `hash` excepted):
 *
 *   seq, at, actor_kind, actor_id, actor_finess, on_behalf_of, action, target, request_id,
 *   result, reason, prev_hash
 *
 * Each field's text value:
 * - `seq`: the integer in decimal, no sign, no leading zeros (`1`, `2`, … `1000000`);
 * - `at`: the UTC instant as exactly 24 characters `YYYY-MM-DDTHH:mm:ss.sssZ`
 *   (JavaScript's `Date.prototype.toISOString`, millisecond precision);
 * - `prev_hash`: 64 lowercase hexadecimal digits;
 * - every other field: its stored text (the recorder accepts only printable ASCII without spaces,
 *   see guard.ts), or null.
 *
 * Canonical bytes = the UTF-8 encoding of
 *
 *   "officine-mss-audit-v1\n"
 *   followed, for each field in the order above, by
 *     "-\n"                    when the field is null,
 *     "<n>:<value>\n"          otherwise, <n> being the value's length in UTF-8 bytes, in decimal.
 *
 * Length prefixes make the form unambiguous whatever the values contain (an empty string `0:\n`
 * differs from null `-\n`; no value can imitate a separator).
 *
 * hash = SHA-256 of the canonical bytes, as 64 lowercase hexadecimal digits.
 * The first record's prev_hash is GENESIS_HASH (64 zeros); every later record's prev_hash is the
 * hash of the record whose seq is one less. Example, record 1 (a professional's login):
 *
 *   officine-mss-audit-v1
 *   1:1
 *   24:2026-11-26T09:30:00.000Z
 *   12:professional
 *   11:10000000009
 *   -
 *   -
 *   10:auth.login
 *   -
 *   36:0193a1b2-0000-7000-8000-000000000001
 *   7:success
 *   -
 *   64:0000000000000000000000000000000000000000000000000000000000000000
 *
 * (each line ending with "\n"), whose hash is
 * b9c5141760d9afcbef6b9357eac3832ac6dda7a556ea55df31b43bffce80e2fa — the same as
 * `sha256sum` of those 13 lines.
 */
export const CANONICAL_VERSION = 'officine-mss-audit-v1';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_finess: string | null;
  on_behalf_of: string | null;
  action: string;
  target: string | null;
  request_id: string | null;
  result: string;
  reason: string | null;
  prev_hash: string;
}

const field = (value: string | null) =>
  value === null ? '-\n' : `${Buffer.byteLength(value, 'utf8')}:${value}\n`;

export function canonicalForm(r: ChainedFields): string {
  return [
    `${CANONICAL_VERSION}\n`,
    field(String(r.seq)),
    field(r.at),
    field(r.actor_kind),
    field(r.actor_id),
    field(r.actor_finess),
    field(r.on_behalf_of),
    field(r.action),
    field(r.target),
    field(r.request_id),
    field(r.result),
    field(r.reason),
    field(r.prev_hash),
  ].join('');
}

export function recordHash(r: ChainedFields): string {
  return createHash('sha256').update(canonicalForm(r), 'utf8').digest('hex');
}
