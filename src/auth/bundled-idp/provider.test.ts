import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/auth/test-server.ts';
import { openTestStore } from '../../../test/helpers/test-store.ts';
import { IDP_SECRETS_FILE, readOrCreateIdpSecrets } from './keys.ts';
import { BundledIdpRefusedError, createBundledIdp } from './provider.ts';

test('the bundled provider refuses to start in production, with a clear French error', async () => {
  const data = tempDir();
  const store = await openTestStore();
  try {
    await assert.rejects(
      createBundledIdp({
        env: 'production',
        dataDir: data.dir,
        publicUrl: 'https://officine.example',
        db: store.db,
        log: () => {},
      }),
      (error: unknown) =>
        error instanceof BundledIdpRefusedError &&
        /ne démarre pas en production/.test(error.message) &&
        /OIDC_PATIENT_ISSUER/.test(error.message),
    );
    assert.equal(fs.existsSync(path.join(data.dir, IDP_SECRETS_FILE)), false, 'no key was generated');
  } finally {
    await store.dispose();
    data.remove();
  }
});

test('its keys are generated once under DATA_DIR, private to the owner, and kept', () => {
  const data = tempDir();
  try {
    const first = readOrCreateIdpSecrets(data.dir);
    const second = readOrCreateIdpSecrets(data.dir);
    assert.deepEqual(second, first);
    const file = path.join(data.dir, IDP_SECRETS_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(first.jwks.keys[0]?.kty, 'RSA');
    assert.ok(typeof first.jwks.keys[0]?.d === 'string', 'a private signing key');
    assert.notEqual(first.clientSecrets.patient, first.clientSecrets.professional);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['secrets.json'], 'no temp file left');
    fs.writeFileSync(file, '{}');
    assert.throws(() => readOrCreateIdpSecrets(data.dir), /damaged/);
  } finally {
    data.remove();
  }
});
