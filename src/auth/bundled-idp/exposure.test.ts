import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../config.ts';
import { bundledIdpExposure, isLoopbackHost } from './exposure.ts';

test('loopback hosts: 127.0.0.0/8, ::1 and localhost, nothing else', () => {
  for (const host of [
    '127.0.0.1',
    '127.8.9.10',
    'localhost',
    'LOCALHOST',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of [
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '128.0.0.1',
    'officine.example',
    'localhost.example',
    '::2',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('the demo provider runs on loopback only, or with the explicit opt-in', () => {
  const local = { host: '127.0.0.1', optIn: false };
  assert.equal(bundledIdpExposure({ ...local, publicUrl: null }), 'loopback');
  assert.equal(bundledIdpExposure({ ...local, publicUrl: 'http://localhost:8080' }), 'loopback');
  assert.equal(bundledIdpExposure({ ...local, publicUrl: 'https://127.0.0.2' }), 'loopback');
  for (const refused of [
    { ...local, publicUrl: 'https://officine.example' },
    // Reached from the network, whatever the URL says.
    { host: '0.0.0.0', optIn: false, publicUrl: null },
    { host: '::', optIn: false, publicUrl: 'http://localhost:8080' },
  ]) {
    assert.throws(
      () => bundledIdpExposure(refused),
      (error: unknown) =>
        error instanceof ConfigError &&
        /OIDC_PATIENT_ISSUER/.test(error.message) &&
        /BUNDLED_IDP=on-public-url-i-understand/.test(error.message),
    );
    assert.equal(bundledIdpExposure({ ...refused, optIn: true }), 'public-opted-in');
  }
});
