import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credentialStanding } from './credential-standing.ts';

test('a credential acts while its pharmacy has a mailbox and a titulaire answers for it', () => {
  const live = { revokedAt: null, mailboxId: 'm', responsibleRole: 'titulaire' } as const;
  assert.deepEqual(credentialStanding(live), { status: 'active', suspension: null });
  for (const role of ['adjoint', 'preparateur', null] as const) {
    assert.deepEqual(credentialStanding({ ...live, responsibleRole: role }), {
      status: 'suspended',
      suspension: 'RESPONSIBLE_NOT_TITULAIRE',
    });
  }
  assert.deepEqual(credentialStanding({ ...live, mailboxId: null }), {
    status: 'suspended',
    suspension: 'NO_MAILBOX',
  });
  assert.deepEqual(credentialStanding({ ...live, mailboxId: null, revokedAt: '2026-01-01T00:00:00Z' }), {
    status: 'revoked',
    suspension: null,
  });
});
