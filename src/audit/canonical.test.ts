import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import {
  type ChainedFields,
  canonicalForm,
  chainKeyId,
  GENESIS_HASH,
  headMac,
  keyedCanonicalForm,
  recordHash,
  recordMac,
} from './canonical.ts';

const LOGIN: ChainedFields = {
  seq: 1,
  at: '2026-11-26T09:30:00.000Z',
  actor_kind: 'professional',
  actor_id: '10000000009',
  actor_finess: null,
  on_behalf_of: null,
  action: 'auth.login',
  target: null,
  request_id: '0193a1b2-0000-7000-8000-000000000001',
  result: 'success',
  reason: null,
  prev_hash: GENESIS_HASH,
};

test('the canonical form is the documented one, and its hash the documented value', () => {
  const expected = [
    'officine-mss-audit-v1',
    '1:1',
    '24:2026-11-26T09:30:00.000Z',
    '12:professional',
    '11:10000000009',
    '-',
    '-',
    '10:auth.login',
    '-',
    '36:0193a1b2-0000-7000-8000-000000000001',
    '7:success',
    '-',
    `64:${'0'.repeat(64)}`,
    '',
  ].join('\n');
  assert.equal(canonicalForm(LOGIN), expected);
  assert.equal(recordHash(LOGIN), createHash('sha256').update(expected).digest('hex'));
  // Pinned: changing the definition must be a deliberate, versioned change.
  assert.equal(recordHash(LOGIN), 'b9c5141760d9afcbef6b9357eac3832ac6dda7a556ea55df31b43bffce80e2fa');
});

test('every field counts, and null, empty and shifted values all differ', () => {
  const base = recordHash(LOGIN);
  const variants: ChainedFields[] = [
    { ...LOGIN, seq: 2 },
    { ...LOGIN, at: '2026-11-26T09:30:00.001Z' },
    { ...LOGIN, actor_kind: 'patient' },
    { ...LOGIN, actor_id: null },
    { ...LOGIN, actor_finess: '' },
    { ...LOGIN, on_behalf_of: 'm' },
    { ...LOGIN, action: 'auth.logout' },
    { ...LOGIN, target: '-' },
    { ...LOGIN, request_id: null },
    { ...LOGIN, result: 'failure' },
    { ...LOGIN, reason: 'X' },
    { ...LOGIN, prev_hash: 'f'.repeat(64) },
    // A value moved to the neighbouring field.
    { ...LOGIN, actor_id: null, actor_finess: '10000000009' },
  ];
  const hashes = new Set([base, ...variants.map(recordHash)]);
  assert.equal(hashes.size, variants.length + 1);
});

test('length prefixes count UTF-8 bytes', () => {
  assert.match(canonicalForm({ ...LOGIN, target: 'é' }), /\n2:é\n/);
});

test('version 2 is the documented keyed form: HMAC-SHA256 under the chain key', () => {
  const key = Buffer.alloc(32, 0x5c);
  const keyed = { ...LOGIN, count: null, window_start: null };
  const expected = [
    'officine-mss-audit-v2',
    '1:1',
    '24:2026-11-26T09:30:00.000Z',
    '12:professional',
    '11:10000000009',
    '-',
    '-',
    '10:auth.login',
    '-',
    '36:0193a1b2-0000-7000-8000-000000000001',
    '7:success',
    '-',
    '-',
    '-',
    `64:${'0'.repeat(64)}`,
    '',
  ].join('\n');
  assert.equal(keyedCanonicalForm(keyed), expected);
  assert.equal(recordMac(key, keyed), createHmac('sha256', key).update(expected).digest('hex'));
  assert.notEqual(recordMac(Buffer.alloc(32, 0x5d), keyed), recordMac(key, keyed));
  const summary = { ...keyed, count: 12, window_start: '2026-11-26T09:29:00.000Z' };
  assert.match(keyedCanonicalForm(summary), /\n2:12\n24:2026-11-26T09:29:00\.000Z\n64:0{64}\n$/);
  // The head's MAC and the key id are labelled apart from records: none can stand for another.
  const head = { seq: 1, hash: recordMac(key, keyed) };
  assert.equal(
    headMac(key, head),
    createHmac('sha256', key).update(`officine-mss-audit-head-v2\n1:1\n64:${head.hash}\n`).digest('hex'),
  );
  assert.match(chainKeyId(key), /^[0-9a-f]{16}$/);
  assert.notEqual(chainKeyId(key), chainKeyId(Buffer.alloc(32, 0x5d)));
});
