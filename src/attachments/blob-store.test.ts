import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createApp } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { BLOB_KEY_FILE, BlobStoreError, createFileBlobStore } from './blob-store.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-blobs-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const KEY = Buffer.alloc(32, 7);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const clearText = () => Buffer.from(`Ordonnance de Mme Dupont : amoxicilline 1 g ${'x'.repeat(2000)}`);
const fileOf = (root: string, hash: string) => path.join(root, hash.slice(0, 2), hash.slice(2, 4), hash);

test('put then get returns the same bytes, addressed by their SHA-256', async () => {
  const root = tempDir();
  const blobs = createFileBlobStore({ root, key: KEY });
  const bytes = clearText();
  const ref = await blobs.put(bytes);
  assert.deepEqual(ref, { sha256: sha(bytes), size: bytes.length });
  assert.deepEqual(await blobs.get(ref.sha256), bytes);
  assert.equal(await blobs.has(ref.sha256), true);
  assert.equal(await blobs.has(sha(Buffer.from('other'))), false);
  assert.equal(fs.statSync(fileOf(root, ref.sha256)).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(path.dirname(fileOf(root, ref.sha256))), [ref.sha256], 'no temp file left');
});

test('the stored file is encrypted: it contains neither the clear bytes nor a fragment of them', async () => {
  const root = tempDir();
  const bytes = clearText();
  const ref = await createFileBlobStore({ root, key: KEY }).put(bytes);
  const stored = fs.readFileSync(fileOf(root, ref.sha256));
  assert.equal(stored.includes(bytes), false);
  assert.equal(stored.includes(Buffer.from('Ordonnance')), false);
  assert.equal(stored.includes(Buffer.from('x'.repeat(16))), false);
  assert.equal(stored.subarray(0, 4).toString('latin1'), 'OMSB');
  // Random nonce per blob: the same content under two stores encrypts differently.
  const other = tempDir();
  await createFileBlobStore({ root: other, key: KEY }).put(bytes);
  assert.notDeepEqual(fs.readFileSync(fileOf(other, ref.sha256)), stored);
});

test('a tampered blob is refused: ciphertext, tag, header', async () => {
  const root = tempDir();
  const blobs = createFileBlobStore({ root, key: KEY });
  const ref = await blobs.put(clearText());
  const file = fileOf(root, ref.sha256);
  const original = fs.readFileSync(file);
  // ciphertext, tag, nonce, version byte: damage; key id byte: reads as another key's blob.
  const cases: Array<[number, string]> = [
    [40, 'corrupted'],
    [original.length - 1, 'corrupted'],
    [15, 'corrupted'],
    [4, 'corrupted'],
    [6, 'wrong-key'],
  ];
  for (const [offset, reason] of cases) {
    const tampered = Buffer.from(original);
    tampered[offset] = (tampered[offset] ?? 0) ^ 0x01;
    fs.writeFileSync(file, tampered);
    await assert.rejects(blobs.get(ref.sha256), (error: unknown) => {
      assert.ok(error instanceof BlobStoreError);
      assert.equal(error.reason, reason, `byte ${offset}`);
      return true;
    });
  }
  fs.writeFileSync(file, original.subarray(0, 20));
  await assert.rejects(blobs.get(ref.sha256), { reason: 'corrupted' });
  fs.writeFileSync(file, original);
  assert.deepEqual(await blobs.get(ref.sha256), clearText());
});

test('a blob moved to another address fails its tag check (the address is authenticated)', async () => {
  const root = tempDir();
  const blobs = createFileBlobStore({ root, key: KEY });
  const a = await blobs.put(Buffer.from('first document'));
  const b = await blobs.put(Buffer.from('second document'));
  fs.copyFileSync(fileOf(root, a.sha256), fileOf(root, b.sha256));
  await assert.rejects(blobs.get(b.sha256), { reason: 'corrupted' });
});

test('another key is told apart from damage; bad addresses and missing blobs are errors', async () => {
  const root = tempDir();
  const ref = await createFileBlobStore({ root, key: KEY }).put(clearText());
  const otherKey = createFileBlobStore({ root, key: randomBytes(32) });
  await assert.rejects(otherKey.get(ref.sha256), { reason: 'wrong-key' });
  const blobs = createFileBlobStore({ root, key: KEY });
  await assert.rejects(blobs.get('../../etc/passwd'), { reason: 'invalid-address' });
  await assert.rejects(blobs.get(ref.sha256.toUpperCase()), { reason: 'invalid-address' });
  await assert.rejects(blobs.get(sha(Buffer.from('never stored'))), { reason: 'not-found' });
  await assert.rejects(blobs.has('../x'), { reason: 'invalid-address' });
  await assert.rejects(
    createFileBlobStore({ root, key: Buffer.alloc(16) }).put(Buffer.from('x')),
    /32 bytes/,
  );
});

test('putting the same content twice stores it once', async () => {
  const root = tempDir();
  const blobs = createFileBlobStore({ root, key: KEY });
  const first = await blobs.put(clearText());
  const before = fs.readFileSync(fileOf(root, first.sha256));
  assert.deepEqual(await blobs.put(clearText()), first);
  assert.deepEqual(fs.readFileSync(fileOf(root, first.sha256)), before);
});

test('the app uses BLOB_ENCRYPTION_KEY, else a 0600 key file in DATA_DIR created on first use', async () => {
  const dataDir = tempDir();
  const first = await createApp(
    loadConfig({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'db.sqlite')}` }),
  );
  const keyFile = path.join(dataDir, BLOB_KEY_FILE);
  assert.equal(fs.existsSync(keyFile), false, 'not created before use');
  const ref = await first.blobs.put(clearText());
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.ok(fs.existsSync(fileOf(path.join(dataDir, 'blobs'), ref.sha256)));
  await first.close();

  const restarted = await createApp(
    loadConfig({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'db.sqlite')}` }),
  );
  assert.deepEqual(await restarted.blobs.get(ref.sha256), clearText());
  await restarted.close();

  const configured = await createApp(
    loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${path.join(dataDir, 'db.sqlite')}`,
      BLOB_ENCRYPTION_KEY: KEY.toString('base64'),
    }),
  );
  await assert.rejects(configured.blobs.get(ref.sha256), { reason: 'wrong-key' });
  await configured.close();
  assert.throws(() => loadConfig({ BLOB_ENCRYPTION_KEY: 'ab'.repeat(31) }), ConfigError);
  assert.throws(() => loadConfig({ BLOB_ENCRYPTION_KEY: 'ab'.repeat(33) }), /exactly 32 bytes/);
});
