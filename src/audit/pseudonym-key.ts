import { type DecodedKey, decodeKey, readOrCreateKeyFile } from '../crypto/key-file.ts';

/**
 * The secret key of patient pseudonyms in the audit trail (HMAC-SHA256). Whoever holds it can
 * recompute a patient's pseudonym from their matricule, and so correlate their records; without
 * it, pseudonyms cannot be reversed. Keep it out of the database it protects.
 *
 * Set `AUDIT_PSEUDONYM_KEY` (hex, or base64 / base64url; at least 32 bytes). When unset, the key
 * lives in `DATA_DIR/audit-pseudonym.key` (64 hex digits, mode 0600), created on first use.
 * Every process writing to one trail must use the same key: with several hosts sharing a
 * PostgreSQL database, set the variable (or share DATA_DIR).
 */
export const PSEUDONYM_KEY_MIN_BYTES = 32;
export const PSEUDONYM_KEY_FILE = 'audit-pseudonym.key';

export type { DecodedKey } from '../crypto/key-file.ts';

const SIZE = { minBytes: PSEUDONYM_KEY_MIN_BYTES };

/** Hex when the text is only hex digits (even count), else base64 or base64url. */
export function decodePseudonymKey(text: string): DecodedKey {
  return decodeKey(text, SIZE);
}

/**
 * Reads the key file, or creates it with 32 random bytes (atomically, safe when several processes
 * start together on one DATA_DIR: see src/crypto/key-file.ts).
 */
export function readOrCreatePseudonymKey(file: string): Buffer {
  return readOrCreateKeyFile(file, SIZE, 'audit pseudonym key');
}
