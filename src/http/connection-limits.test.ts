import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, trustedPeer } from './connection-limits.ts';

test('a client counts under its IPv4 address, or its IPv6 /64', () => {
  assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
  assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:DB8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
});

test('the peers TRUST_PROXY trusts: all, a hop count, addresses, CIDRs and named ranges', () => {
  assert.equal(trustedPeer(false)('127.0.0.1'), false);
  assert.equal(trustedPeer(true)('198.51.100.1'), true);
  assert.equal(trustedPeer(0)('127.0.0.1'), false);
  assert.equal(trustedPeer(1)('198.51.100.1'), true);
  const list = trustedPeer('10.0.0.5, 192.168.1.0/24,loopback, 2001:db8::/32');
  assert.equal(list('10.0.0.5'), true);
  assert.equal(list('10.0.0.6'), false);
  assert.equal(list('192.168.1.200'), true);
  assert.equal(list('::ffff:192.168.1.200'), true);
  assert.equal(list('192.168.2.1'), false);
  assert.equal(list('127.0.0.2'), true);
  assert.equal(list('::1'), true);
  assert.equal(list('2001:db8:5::1'), true);
  assert.equal(list('2001:db9::1'), false);
});
