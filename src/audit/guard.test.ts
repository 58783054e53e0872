import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksLikeNir } from './guard.ts';

test('NIR-shaped values are spotted, alone, formatted or inside an address', () => {
  for (const value of [
    '175037512300512',
    '275037512300577',
    '175032A12300542',
    '175032b12300542',
    '175037512300513', // a wrong key is still a NIR
    '1.75.03.75.123.005.12',
    '1 75 03 75 123 005 12',
    '175037512300512@patient.mssante.fr',
    'patient:175037512300512',
  ]) {
    assert.equal(looksLikeNir(value), true, value);
  }
});

test('identifiers that are not NIRs pass', () => {
  for (const value of [
    '10000000009', // RPPS
    '010000016', // FINESS
    '0193a1b2-0000-7000-8000-000000000001', // UUIDv7
    '3400930000001', // CIP13
    '1750375123005121', // 16 digits
    '17503751230051', // 14 digits
    'a175037512300512', // inside a longer token
    'ab'.repeat(32), // a pseudonym
    '0123456789012345678901234567890123456789012345678901234567890123', // a hex token of digits only
  ]) {
    assert.equal(looksLikeNir(value), false, value);
  }
});
