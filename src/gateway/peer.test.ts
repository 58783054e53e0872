import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressDomain, authenticatedDomain, certificateNames, nameCoversDomain } from './peer.ts';
import { SmtpRefusal } from './replies.ts';

const whitelist = (domains: string[]) => ({
  has: (d: string) => domains.includes(d),
  domains: () => domains,
});
const refusalCode = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SmtpRefusal);
    return error.code;
  }
  return null;
};

test('certificate names: subjectAltName DNS entries, the CN only without them', () => {
  assert.deepEqual(
    certificateNames({
      subject: { CN: 'ignored.test' } as never,
      subjectaltname: 'DNS:Op.Test., DNS:*.op.test, IP Address:127.0.0.1',
    }),
    ['op.test', '*.op.test'],
  );
  assert.deepEqual(certificateNames({ subject: { CN: 'cn-only.test' } as never, subjectaltname: '' }), [
    'cn-only.test',
  ]);
  assert.deepEqual(
    certificateNames({ subject: { CN: 'Opérateur B' } as never, subjectaltname: undefined as never }),
    [],
  );
});

test('a wildcard covers exactly one label, as the whole left-most label, under two labels or more', () => {
  assert.equal(nameCoversDomain('op.test', 'op.test'), true);
  assert.equal(nameCoversDomain('*.op.test', 'mail.op.test'), true);
  assert.equal(nameCoversDomain('*.op.test', 'op.test'), false);
  assert.equal(nameCoversDomain('*.op.test', 'a.b.op.test'), false);
  assert.equal(nameCoversDomain('*.test', 'op.test'), false);
  assert.equal(nameCoversDomain('op.test', 'mail.op.test'), false);
});

test('the sending domain: MAIL FROM whitelisted and covered; the null sender takes a whitelisted name', () => {
  const list = whitelist(['op.test', 'mail.op.test', 'other.test']);
  assert.equal(authenticatedDomain(['op.test'], 'Secretariat@OP.test', list), 'op.test');
  assert.equal(authenticatedDomain(['*.op.test'], 'x@mail.op.test', list), 'mail.op.test');
  assert.equal(
    refusalCode(() => authenticatedDomain(['op.test'], 'x@other.test', list)),
    'CERTIFICATE_DOMAIN_MISMATCH',
  );
  assert.equal(
    refusalCode(() => authenticatedDomain(['off.test'], 'x@off.test', list)),
    'SENDER_DOMAIN_NOT_WHITELISTED',
  );
  assert.equal(authenticatedDomain(['zz.test', 'op.test'], '', list), 'op.test');
  assert.equal(authenticatedDomain(['*.op.test'], '', list), 'mail.op.test');
  assert.equal(
    refusalCode(() => authenticatedDomain(['off.test'], '', list)),
    'SENDER_DOMAIN_NOT_WHITELISTED',
  );
  // A listed domain admits itself only, not its subdomains.
  assert.equal(
    refusalCode(() => authenticatedDomain(['*.other.test'], 'x@a.other.test', list)),
    'SENDER_DOMAIN_NOT_WHITELISTED',
  );
  assert.equal(addressDomain('a@b@Op.Test.'), 'op.test');
});
