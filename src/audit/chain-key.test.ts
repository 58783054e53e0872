import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createApp } from '../app.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { CHAIN_KEY_FILE, chainKeyOf, existingChainKey } from './chain-key.ts';
import { verifyAuditTrail } from './verify.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-chain-key-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const HEX_KEY = 'cd'.repeat(32);

test('AUDIT_CHAIN_KEY is decoded by the configuration, and refused when too short', () => {
  assert.equal(loadConfig({}).auditChainKey, null);
  assert.deepEqual(loadConfig({ AUDIT_CHAIN_KEY: HEX_KEY }).auditChainKey, Buffer.alloc(32, 0xcd));
  assert.throws(() => loadConfig({ AUDIT_CHAIN_KEY: 'cd'.repeat(31) }), ConfigError);
});

test('the key file is created owner-only at the first append, and never by a reader', async () => {
  const dataDir = tempDir();
  const keyFile = path.join(dataDir, CHAIN_KEY_FILE);
  const config = loadConfig({ DATA_DIR: dataDir });
  assert.equal(existingChainKey(config), null);
  assert.equal(fs.existsSync(keyFile), false);

  const app = await createApp(config);
  try {
    assert.equal(fs.existsSync(keyFile), false);
    await app.audit.record({ actor: { kind: 'system' }, action: 'demo.load', result: 'success' });
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
    const key = existingChainKey(config);
    assert.deepEqual(chainKeyOf(config), key);
    assert.equal((await verifyAuditTrail(app.store, { chainKey: key })).ok, true);
  } finally {
    await app.close();
  }
});

test('AUDIT_CHAIN_KEY wins over the key file', () => {
  const dataDir = tempDir();
  const fromFile = chainKeyOf(loadConfig({ DATA_DIR: dataDir }));
  const configured = loadConfig({ DATA_DIR: dataDir, AUDIT_CHAIN_KEY: HEX_KEY });
  assert.deepEqual(chainKeyOf(configured), Buffer.alloc(32, 0xcd));
  assert.deepEqual(existingChainKey(configured), Buffer.alloc(32, 0xcd));
  assert.notDeepEqual(fromFile, Buffer.alloc(32, 0xcd));
});
