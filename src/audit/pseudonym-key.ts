import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

export type DecodedKey = { ok: true; key: Buffer } | { ok: false; message: string };

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Hex when the text is only hex digits (even count), else base64 or base64url. */
export function decodePseudonymKey(text: string): DecodedKey {
  const value = text.trim();
  let key: Buffer;
  if (HEX.test(value)) key = Buffer.from(value, 'hex');
  else if (BASE64.test(value)) key = Buffer.from(value, 'base64');
  else return { ok: false, message: 'must be hex or base64' };
  if (key.length < PSEUDONYM_KEY_MIN_BYTES) {
    return { ok: false, message: `must hold at least ${PSEUDONYM_KEY_MIN_BYTES} bytes (got ${key.length})` };
  }
  return { ok: true, key };
}

/**
 * Reads the key file, or creates it with 32 random bytes. Creation is atomic and safe when
 * several processes start together on one DATA_DIR: the key is written to a private temp file,
 * synced, then hard-linked to its name, which fails if another process got there first — in
 * which case that process's key is read.
 */
export function readOrCreatePseudonymKey(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(PSEUDONYM_KEY_MIN_BYTES).toString('hex')}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
    syncDirectory(path.dirname(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const created = readKeyFile(file);
  if (!created) throw new Error(`The audit pseudonym key file ${file} disappeared while being created`);
  return created;
}

function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const decoded = decodePseudonymKey(text);
  if (!decoded.ok) throw new Error(`The audit pseudonym key file ${file} is invalid: it ${decoded.message}`);
  return decoded.key;
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
