import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createApp } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { decodePseudonymKey, PSEUDONYM_KEY_FILE, readOrCreatePseudonymKey } from './pseudonym-key.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-audit-key-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const HEX_KEY = 'ab'.repeat(32);

test('keys decode from hex, base64 and base64url, 32 bytes at least', () => {
  const bytes = Buffer.alloc(32, 0xfb);
  for (const text of [
    bytes.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    ` ${HEX_KEY}\n`,
  ]) {
    const decoded = decodePseudonymKey(text);
    assert.ok(decoded.ok, text);
    assert.equal(decoded.key.length, 32);
  }
  assert.deepEqual(decodePseudonymKey(HEX_KEY), { ok: true, key: Buffer.alloc(32, 0xab) });
  assert.deepEqual(decodePseudonymKey('ab'.repeat(31)), {
    ok: false,
    message: 'must hold at least 32 bytes (got 31)',
  });
  assert.equal(decodePseudonymKey('not a key!').ok, false);
});

test('AUDIT_PSEUDONYM_KEY is decoded by the configuration, and refused when too short', () => {
  assert.equal(loadConfig({}).auditPseudonymKey, null);
  assert.deepEqual(loadConfig({ AUDIT_PSEUDONYM_KEY: HEX_KEY }).auditPseudonymKey, Buffer.alloc(32, 0xab));
  assert.throws(() => loadConfig({ AUDIT_PSEUDONYM_KEY: 'c2hvcnQ=' }), ConfigError);
});

test('the key file is created once, private, and read back on the next start', () => {
  const file = path.join(tempDir(), 'nested', PSEUDONYM_KEY_FILE);
  const key = readOrCreatePseudonymKey(file);
  assert.equal(key.length, 32);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.deepEqual(readOrCreatePseudonymKey(file), key);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), [PSEUDONYM_KEY_FILE]);
});

test('an invalid key file is an error, not a new key', () => {
  const file = path.join(tempDir(), PSEUDONYM_KEY_FILE);
  fs.writeFileSync(file, 'abcd\n');
  assert.throws(() => readOrCreatePseudonymKey(file), /invalid/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'abcd\n');
});

test('the app uses AUDIT_PSEUDONYM_KEY, else the key file in DATA_DIR, created on first use', async () => {
  const dataDir = tempDir();
  const matricule = '175037512300512';

  const first = await createApp(loadConfig({ DATA_DIR: dataDir }));
  const keyFile = path.join(dataDir, PSEUDONYM_KEY_FILE);
  assert.equal(fs.existsSync(keyFile), false);
  const pseudonym = first.audit.patientPseudonym(matricule);
  assert.equal(fs.existsSync(keyFile), true);
  await first.close();

  const restarted = await createApp(loadConfig({ DATA_DIR: dataDir }));
  assert.equal(restarted.audit.patientPseudonym(matricule), pseudonym);
  await restarted.close();

  const configured = await createApp(loadConfig({ DATA_DIR: dataDir, AUDIT_PSEUDONYM_KEY: HEX_KEY }));
  const expected = createHmac('sha256', Buffer.alloc(32, 0xab)).update(matricule).digest('hex');
  assert.equal(configured.audit.patientPseudonym(matricule), expected);
  assert.notEqual(expected, pseudonym);
  await configured.close();
});
