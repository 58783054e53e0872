import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, defaultMaxConnections, trustedPeer } from './connection-limits.ts';

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

test('the default cap in all follows the open-file limit, with room for the store', () => {
  const limits = (soft: string) =>
    `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                20000                files\n`;
  assert.equal(defaultMaxConnections(limits('20000')), 18_000);
  assert.equal(defaultMaxConnections(limits('1024')), 921);
  assert.equal(defaultMaxConnections(limits('64')), 100);
  assert.equal(defaultMaxConnections(limits('unlimited')), 1_000_000);
  assert.equal(defaultMaxConnections(null), 10_000);
  assert.ok(defaultMaxConnections() >= 100, 'reads this process’s own limit');
});
