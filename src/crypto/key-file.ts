import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir } from '../data-dir.ts';

/**
 * Secret keys given as text (environment variables, key files): hex, or base64 / base64url.
 * Used by the audit trail's pseudonym and chain keys and the attachment blob key. A key file
 * holds the key in hex (mode 0600, in a folder created 0700) and is created on first use,
 * atomically, even when several processes start together on one DATA_DIR.
 */
export type DecodedKey = { ok: true; key: Buffer } | { ok: false; message: string };

export interface KeySize {
  minBytes: number;
  /** Omitted: any length from minBytes up. */
  maxBytes?: number;
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Hex when the text is only hex digits (even count), else base64 or base64url. */
export function decodeKey(text: string, size: KeySize): DecodedKey {
  const value = text.trim();
  let key: Buffer;
  if (HEX.test(value)) key = Buffer.from(value, 'hex');
  else if (BASE64.test(value)) key = Buffer.from(value, 'base64');
  else return { ok: false, message: 'must be hex or base64' };
  if (size.maxBytes === size.minBytes && key.length !== size.minBytes) {
    return { ok: false, message: `must hold exactly ${size.minBytes} bytes (got ${key.length})` };
  }
  if (key.length < size.minBytes) {
    return { ok: false, message: `must hold at least ${size.minBytes} bytes (got ${key.length})` };
  }
  if (size.maxBytes !== undefined && key.length > size.maxBytes) {
    return { ok: false, message: `must hold at most ${size.maxBytes} bytes (got ${key.length})` };
  }
  return { ok: true, key };
}

/**
 * Reads the key file, or creates it with `size.minBytes` random bytes. The key is written to a
 * private temp file, synced, then hard-linked to its name, which fails if another process got
 * there first — in which case that process's key is read. `label` names the key in errors.
 */
export function readOrCreateKeyFile(file: string, size: KeySize, label: string): Buffer {
  const existing = readKeyFile(file, size, label);
  if (existing) return existing;
  makePrivateDir(path.dirname(file));
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(size.minBytes).toString('hex')}\n`);
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
  const created = readKeyFile(file, size, label);
  if (!created) throw new Error(`The ${label} file ${file} disappeared while being created`);
  return created;
}

/** Reads a key file without creating it: null when it does not exist. */
export function readKeyFile(file: string, size: KeySize, label: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const decoded = decodeKey(text, size);
  if (!decoded.ok) throw new Error(`The ${label} file ${file} is invalid: it ${decoded.message}`);
  return decoded.key;
}

/** fsync a directory, so that a rename or link inside it survives a crash. */
export function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
