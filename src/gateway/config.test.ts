import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';

test('no SMTP_IN_PORT, no listener; both demo domains hosted by default', () => {
  const config = loadConfig({});
  assert.deepEqual(config.gateway, {
    hostedDomains: ['patient.mssante.fr', 'pharmacie.mssante.fr'],
    smtpIn: null,
  });
});

test('SMTP_IN_PORT needs the certificate, key, trust anchors and whitelist', () => {
  assert.throws(
    () => loadConfig({ SMTP_IN_PORT: '2525', SMTP_IN_CERT_FILE: 'c.pem' }),
    (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /SMTP_IN_KEY_FILE, SMTP_IN_CA_FILE, SMTP_IN_WHITELIST/);
      return true;
    },
  );
  const config = loadConfig({
    SMTP_IN_PORT: '2525',
    SMTP_IN_CERT_FILE: 'c.pem',
    SMTP_IN_KEY_FILE: 'k.pem',
    SMTP_IN_CA_FILE: 'ca.pem',
    SMTP_IN_WHITELIST: 'https://example.test/listeblanchemssante.xml',
    SMTP_IN_MAX_MESSAGE_MB: '10',
    SMTP_IN_MAX_PER_PEER: '3',
    HOSTED_DOMAINS: ' Pharmacie.MSSante.fr ,',
    MESSAGE_ID_DOMAIN: 'mx.officine.test',
  });
  assert.deepEqual(config.gateway.hostedDomains, ['pharmacie.mssante.fr']);
  assert.equal(config.gateway.smtpIn?.name, 'mx.officine.test');
  assert.equal(config.gateway.smtpIn?.limits.maxMessageBytes, 10 * 1024 * 1024);
  assert.equal(config.gateway.smtpIn?.limits.maxConnectionsPerPeer, 3);
  assert.equal(config.gateway.smtpIn?.tls, 'starttls');
});

test('HOSTED_DOMAINS must hold domain names', () => {
  assert.throws(() => loadConfig({ HOSTED_DOMAINS: 'pas un domaine' }), ConfigError);
  assert.throws(() => loadConfig({ HOSTED_DOMAINS: ' , ' }), ConfigError);
});
