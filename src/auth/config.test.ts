import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseTrustProxy } from '../config.ts';

const issuers = {
  OIDC_PATIENT_ISSUER: 'https://auth.mes.example',
  OIDC_PATIENT_CLIENT_ID: 'p',
  OIDC_PATIENT_CLIENT_SECRET: 'ps',
  OIDC_PRO_ISSUER: 'https://auth.psc.example/',
  OIDC_PRO_CLIENT_ID: 'q',
};

test('login configuration has working defaults outside production: the bundled provider', () => {
  const config = loadConfig({});
  assert.deepEqual(config.auth.oidc, { patient: null, professional: null });
  assert.deepEqual(config.auth.minAcr, { patient: 'eidas2', professional: 'eidas1' });
  assert.deepEqual(config.auth.sessionIdleMinutes, { patient: 30, professional: 30 });
  assert.equal(config.auth.sessionMaxHours, 12);
  assert.equal(config.publicUrl, null);
  assert.equal(config.trustProxy, false);
});

test('production needs both issuers; configured issuers replace the bundled provider', () => {
  assert.throws(() => loadConfig({ OFFICINE_ENV: 'production' }), ConfigError);
  assert.throws(
    () => loadConfig({ OFFICINE_ENV: 'production', ...issuers, OIDC_PRO_ISSUER: '' }),
    /OIDC_PRO_ISSUER/,
  );
  const config = loadConfig({
    OFFICINE_ENV: 'production',
    ...issuers,
    PUBLIC_URL: 'https://officine.example/',
  });
  assert.deepEqual(config.auth.oidc.patient, {
    issuer: 'https://auth.mes.example',
    clientId: 'p',
    clientSecret: 'ps',
    scope: 'openid profile ins',
  });
  assert.equal(config.auth.oidc.professional?.issuer, 'https://auth.psc.example');
  assert.equal(config.auth.oidc.professional?.clientSecret, null);
  assert.equal(config.publicUrl, 'https://officine.example');
  assert.throws(() => loadConfig({ OIDC_PATIENT_ISSUER: 'https://x.example' }), /OIDC_PATIENT_CLIENT_ID/);
  assert.throws(() => loadConfig({ OIDC_PRO_MIN_ACR: 'eidas9' }), ConfigError);
  assert.throws(() => loadConfig({ PUBLIC_URL: 'ftp://x' }), ConfigError);
});

test('TRUST_PROXY reads as Fastify expects it', () => {
  assert.equal(parseTrustProxy(undefined), false);
  assert.equal(parseTrustProxy('true'), true);
  assert.equal(parseTrustProxy('2'), 2);
  assert.equal(parseTrustProxy('10.0.0.0/8, 127.0.0.1'), '10.0.0.0/8, 127.0.0.1');
});
