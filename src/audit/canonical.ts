import { createHash, createHmac } from 'node:crypto';

/**
 * The canonical form of an audit record and its hash or MAC — the definition `audit verify`
 * checks, written so that an auditor can recompute it with any language. A record's
 * `chain_version` says which rule made its `hash`: 1 (unkeyed SHA-256, records written before the
 * chain key existed) or 2 (HMAC-SHA256 under the chain key, every record written since).
 *
 * ## Version 1
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
 *
 * ## Version 2 (keyed)
 *
 * Canonical bytes = "officine-mss-audit-v2\n" followed by the fields
 *
 *   seq, at, actor_kind, actor_id, actor_finess, on_behalf_of, action, target, request_id,
 *   result, reason, count, window_start, prev_hash
 *
 * encoded as in version 1 (`count`: decimal or null; `window_start`: 24 characters like `at`, or
 * null). hash = HMAC-SHA256(chain key, canonical bytes), 64 lowercase hexadecimal digits: the
 * record's MAC. prev_hash is the previous record's hash whatever its version, so the first keyed
 * record binds the unkeyed ones before it: rewriting one of those breaks a link the key protects.
 * A version-1 record never follows a version-2 one.
 *
 * The chain head (seq, hash of the last record) carries its own MAC once a keyed record was
 * appended: HMAC-SHA256(chain key, "officine-mss-audit-head-v2\n" + seq field + hash field), so
 * that moving the head back over dropped records needs the key too.
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

/** A label line, then each value length-prefixed (or `-` for null), as described above. */
export function labelledFields(label: string, values: (string | null)[]): string {
  return [`${label}\n`, ...values.map(field)].join('');
}

/** The fields both versions share, from seq to reason. */
const recordFields = (r: ChainedFields) => [
  String(r.seq),
  r.at,
  r.actor_kind,
  r.actor_id,
  r.actor_finess,
  r.on_behalf_of,
  r.action,
  r.target,
  r.request_id,
  r.result,
  r.reason,
];

export function canonicalForm(r: ChainedFields): string {
  return labelledFields(CANONICAL_VERSION, [...recordFields(r), r.prev_hash]);
}

export function recordHash(r: ChainedFields): string {
  return createHash('sha256').update(canonicalForm(r), 'utf8').digest('hex');
}

export const KEYED_VERSION = 'officine-mss-audit-v2';
const HEAD_VERSION = 'officine-mss-audit-head-v2';
const KEY_ID_LABEL = 'officine-mss-audit-key-id';

/** The fields of a version-2 record: version 1's, plus a refusal summary's count and window. */
export interface KeyedFields extends ChainedFields {
  /** Refusals a summary record stands for (src/audit/refusals.ts); null for any other record. */
  count: number | null;
  /** Start of the window a summary covers (its `at` ends it); null for any other record. */
  window_start: string | null;
}

export function keyedCanonicalForm(r: KeyedFields): string {
  const count = r.count === null ? null : String(r.count);
  return labelledFields(KEYED_VERSION, [...recordFields(r), count, r.window_start, r.prev_hash]);
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

export function recordMac(key: Buffer, r: KeyedFields): string {
  return hmac(key, keyedCanonicalForm(r));
}

export function headMac(key: Buffer, head: { seq: number; hash: string }): string {
  return hmac(key, labelledFields(HEAD_VERSION, [String(head.seq), head.hash]));
}

/** Names a chain key without revealing it (16 hex digits), to tell another key from an alteration. */
export function chainKeyId(key: Buffer): string {
  return hmac(key, `${KEY_ID_LABEL}\n`).slice(0, 16);
}
