import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type DecodedKey, decodeKey, readOrCreateKeyFile, syncDirectory } from '../crypto/key-file.ts';
import type { BlobRef, BlobStore } from './attachment.ts';

/**
 * Attachment blobs on disk (design note §3.2, §3.4): content-addressed by the SHA-256 of the
 * clear bytes, encrypted at rest with AES-256-GCM, durable when `put` returns.
 *
 * File `<root>/ab/cd/<sha256>`:
 *   "OMSB" | version 1 | key id (8) | nonce (12, random per blob) | ciphertext | tag (16)
 * The header and the blob's address are authenticated data: a blob moved to another address,
 * or a header altered, fails the tag check like altered ciphertext does. `get` also hashes the
 * clear bytes against the address. The key id (a hash of the key, not the key) tells a blob
 * written under another key apart from a damaged one.
 *
 * Durability: write a temp file in the blob's folder → fsync → rename → fsync the folder (and
 * the parents of any folder created). A blob already present is not written again, only touched
 * (its modification time is what `sweepBlobs` goes by).
 */
export const BLOB_KEY_BYTES = 32;
export const BLOB_KEY_FILE = 'blob-encryption.key';
const KEY_SIZE = { minBytes: BLOB_KEY_BYTES, maxBytes: BLOB_KEY_BYTES };

/** `BLOB_ENCRYPTION_KEY`: exactly 32 bytes, hex or base64 / base64url. */
export function decodeBlobKey(text: string): DecodedKey {
  return decodeKey(text, KEY_SIZE);
}

/**
 * The embedded default when BLOB_ENCRYPTION_KEY is unset: `DATA_DIR/blob-encryption.key`
 * (64 hex digits, mode 0600), created on first use (src/crypto/key-file.ts). Losing it loses
 * every attachment: back it up apart from the blobs. Processes sharing the blobs share the key.
 */
export function readOrCreateBlobKey(file: string): Buffer {
  return readOrCreateKeyFile(file, KEY_SIZE, 'blob encryption key');
}

const MAGIC = Buffer.from('OMSB', 'latin1');
const VERSION = 1;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 1 + KEY_ID_BYTES;
const ADDRESS = /^[0-9a-f]{64}$/;

export type BlobStoreFailure = 'not-found' | 'corrupted' | 'wrong-key' | 'invalid-address';

/** A server-side fault (not a user's mistake): the HTTP layer answers 500, or 404 for not-found. */
export class BlobStoreError extends Error {
  override name = 'BlobStoreError';
  constructor(
    readonly reason: BlobStoreFailure,
    readonly sha256: string,
  ) {
    super(`Blob ${sha256.slice(0, 12)}…: ${reason}`);
  }
}

export interface FileBlobStoreOptions {
  /** Folder of the blobs, normally `DATA_DIR/blobs`. */
  root: string;
  /** 32 bytes; a function is called once, on first use (e.g. to read or create the key file). */
  key: Buffer | (() => Buffer);
}

/** Where a blob lives: `<root>/ab/cd/<sha256>`. */
export function blobFile(root: string, sha256: string): string {
  if (!ADDRESS.test(sha256)) throw new BlobStoreError('invalid-address', sha256);
  return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** Whether a file name is a blob's address (temp files start with a dot). */
export const isBlobAddress = (name: string) => ADDRESS.test(name);

export function createFileBlobStore(options: FileBlobStoreOptions): BlobStore {
  const { root } = options;
  let resolved: { key: Buffer; id: Buffer } | null = null;
  const keyring = () => {
    if (!resolved) {
      const key = typeof options.key === 'function' ? options.key() : options.key;
      if (key.length !== BLOB_KEY_BYTES)
        throw new Error(`The blob encryption key must hold ${BLOB_KEY_BYTES} bytes`);
      const id = createHash('sha256')
        .update('officine-mss blob key id\0')
        .update(key)
        .digest()
        .subarray(0, KEY_ID_BYTES);
      resolved = { key, id };
    }
    return resolved;
  };
  const fileOf = (sha256: string) => blobFile(root, sha256);

  return {
    async put(bytes: Buffer): Promise<BlobRef> {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const ref = { sha256, size: bytes.length };
      const file = fileOf(sha256);
      // Already there: its modification time says "in use now", so that the sweep (blob-sweep.ts),
      // which only removes blobs left unreferenced for hours, cannot take it from this upload.
      if (await touch(file)) return ref;
      const { key, id } = keyring();
      const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), id]);
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.concat([header, Buffer.from(sha256, 'hex')]));
      const sealed = Buffer.concat([
        header,
        nonce,
        cipher.update(bytes),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      await mkdirDurable(path.dirname(file));
      await writeDurable(file, sealed);
      return ref;
    },

    async get(sha256: string): Promise<Buffer> {
      const file = fileOf(sha256);
      let sealed: Buffer;
      try {
        sealed = await fs.promises.readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobStoreError('not-found', sha256);
        throw error;
      }
      if (
        sealed.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES ||
        !sealed.subarray(0, MAGIC.length).equals(MAGIC)
      ) {
        throw new BlobStoreError('corrupted', sha256);
      }
      const header = sealed.subarray(0, HEADER_BYTES);
      if (header[MAGIC.length] !== VERSION) throw new BlobStoreError('corrupted', sha256);
      const { key, id } = keyring();
      if (!header.subarray(MAGIC.length + 1).equals(id)) throw new BlobStoreError('wrong-key', sha256);
      const nonce = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.concat([header, Buffer.from(sha256, 'hex')]));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      let clear: Buffer;
      try {
        clear = Buffer.concat([
          decipher.update(sealed.subarray(HEADER_BYTES + NONCE_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new BlobStoreError('corrupted', sha256);
      }
      if (createHash('sha256').update(clear).digest('hex') !== sha256)
        throw new BlobStoreError('corrupted', sha256);
      return clear;
    },

    async has(sha256: string): Promise<boolean> {
      return exists(fileOf(sha256));
    },
  };
}

/** Sets the file's modification time to now; false when there is no such file. */
async function touch(file: string): Promise<boolean> {
  const now = new Date();
  try {
    await fs.promises.utimes(file, now, now);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

async function writeDurable(file: string, bytes: Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(file));
}

/** mkdir -p, then fsync the parent of every folder it created. */
async function mkdirDurable(dir: string): Promise<void> {
  const first = await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  const stop = path.dirname(path.resolve(first));
  for (let created = path.resolve(dir); created !== stop; created = path.dirname(created)) {
    syncDirectory(path.dirname(created));
  }
}
