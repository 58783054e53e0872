import path from 'node:path';
import { type DecodedKey, decodeKey, readKeyFile, readOrCreateKeyFile } from '../crypto/key-file.ts';

/**
 * The secret key of the audit chain (HMAC-SHA256, see canonical.ts): every record written since
 * chain version 2 carries a MAC under it, and so does the chain head. Whoever can write to the
 * database but does not hold the key cannot rewrite a record, re-chain the records after it or
 * move the head back without `audit verify` noticing. Keep it out of the database and of its
 * backups; an auditor who verifies the trail needs it.
 *
 * Set `AUDIT_CHAIN_KEY` (hex, or base64 / base64url; at least 32 bytes). When unset, the key lives
 * in `DATA_DIR/audit-chain.key` (64 hex digits, mode 0600), created on first use. Every process
 * writing to one trail must use the same key: with several hosts sharing a PostgreSQL database,
 * set the variable (or share DATA_DIR).
 */
export const CHAIN_KEY_MIN_BYTES = 32;
export const CHAIN_KEY_FILE = 'audit-chain.key';

const SIZE = { minBytes: CHAIN_KEY_MIN_BYTES };
const LABEL = 'audit chain key';

/** Hex when the text is only hex digits (even count), else base64 or base64url. */
export function decodeChainKey(text: string): DecodedKey {
  return decodeKey(text, SIZE);
}

/** Reads the key file, or creates it with 32 random bytes (src/crypto/key-file.ts). */
export function readOrCreateChainKey(file: string): Buffer {
  return readOrCreateKeyFile(file, SIZE, LABEL);
}

type ChainKeyConfig = { auditChainKey: Buffer | null; dataDir: string };
const keyFile = (config: ChainKeyConfig) => path.join(config.dataDir, CHAIN_KEY_FILE);

/** The key as configured: `AUDIT_CHAIN_KEY`, else the key file in dataDir, created when missing. */
export function chainKeyOf(config: ChainKeyConfig): Buffer {
  return config.auditChainKey ?? readOrCreateChainKey(keyFile(config));
}

/**
 * The key as configured, without creating a key file: null when there is none (verifying must not
 * invent a key the trail was never written with).
 */
export function existingChainKey(config: ChainKeyConfig): Buffer | null {
  return config.auditChainKey ?? readKeyFile(keyFile(config), SIZE, LABEL);
}
