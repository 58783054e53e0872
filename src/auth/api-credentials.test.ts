import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { finessFrom, rppsFrom } from '../../test/helpers/identifiers.ts';
import { orgMailbox, pharmacyRecord } from '../../test/helpers/pharmacies.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createAuditTrail } from '../audit/chained-trail.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { createDirectoryStore } from '../directory/store.ts';
import type { Clock } from '../time/clock.ts';
import { type ApiCredentialService, createApiCredentialService } from './api-credentials.ts';

const MARKET = finessFrom('75000001');
const STATION = finessFrom('69000002');
const TITULAIRE = rppsFrom('1000000001');
const ADJOINT = rppsFrom('1000000002');
const OTHER_TITULAIRE = rppsFrom('1000000003');
const titulaire = { rpps: TITULAIRE };
const adjoint = { rpps: ADJOINT };
const otherTitulaire = { rpps: OTHER_TITULAIRE };

let now = new Date('2026-11-26T10:00:00Z');
const clock: Clock = { now: () => new Date(now) };
let store: TestStore;
let service: ApiCredentialService;

before(async () => {
  store = await openTestStore();
  const directory = createDirectoryStore(store.db);
  // The Gare has no organisational mailbox in the directory.
  await directory.savePharmacy(
    pharmacyRecord(MARKET, 'Pharmacie du Marché', orgMailbox('marche')),
    now.toISOString(),
  );
  await directory.savePharmacy(pharmacyRecord(STATION, 'Pharmacie de la Gare'), now.toISOString());
  for (const [rpps, finess, role] of [
    [TITULAIRE, MARKET, 'titulaire'],
    [ADJOINT, MARKET, 'adjoint'],
    [OTHER_TITULAIRE, STATION, 'titulaire'],
  ] as const) {
    await directory.saveProfessional(
      { rpps, familyName: 'Test', givenName: 'Dominique', finess, role },
      now.toISOString(),
    );
  }
  const audit = createAuditTrail(store, { key: randomBytes(32), chainKey: TEST_CHAIN_KEY, clock });
  service = createApiCredentialService({ store, audit, clock });
});
after(() => store.dispose());

test('a titulaire creates a named credential; the token authenticates as that pharmacy; only a hash is stored', async () => {
  const { credential, token } = await service.create(titulaire, MARKET, '  LGO comptoir  ');
  assert.equal(credential.name, 'LGO comptoir');
  assert.equal(credential.finess, MARKET);
  assert.match(token, /^omss_[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await service.authenticate(token), {
    status: 'active',
    credentialId: credential.id,
    finess: MARKET,
  });
  assert.deepEqual(
    [credential.status, credential.creator, credential.confirmedBy],
    ['active', { rpps: TITULAIRE, name: 'Dominique Test', role: 'titulaire' }, null],
  );
  const row = await store.db
    .selectFrom('api_credentials')
    .selectAll()
    .where('id', '=', credential.id)
    .executeTakeFirstOrThrow();
  const secret = token.split('.')[1] ?? '';
  assert.ok(
    !Object.values(row).some((v) => typeof v === 'string' && v.includes(secret)),
    'the secret is never stored',
  );
  assert.equal(row.last_used_at, now.toISOString());
});

test('a wrong, malformed or revoked token does not authenticate', async () => {
  const { credential, token } = await service.create(titulaire, MARKET, 'Robot de préparation');
  const [head, secret] = token.split('.') as [string, string];
  const flipped = `${head}.${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
  assert.equal(await service.authenticate(flipped), null);
  assert.equal(await service.authenticate('omss_nope'), null);
  assert.equal(await service.authenticate(`omss_${'0'.repeat(32)}.${secret}`), null);
  now = new Date(now.getTime() + 120_000);
  await service.revoke(titulaire, MARKET, credential.id);
  assert.equal(await service.authenticate(token), null);
  const listed = await service.list(titulaire, MARKET);
  assert.equal(listed.find((c) => c.id === credential.id)?.revokedAt, now.toISOString());
  await assert.rejects(service.revoke(titulaire, MARKET, credential.id), { code: 'NOT_FOUND' });
});

test('only a titulaire of that pharmacy manages its credentials; another pharmacy gets not-found', async () => {
  await assert.rejects(service.create(adjoint, MARKET, 'x'), { code: 'FORBIDDEN' });
  await assert.rejects(service.list(adjoint, MARKET), { code: 'FORBIDDEN' });
  await assert.rejects(service.create(otherTitulaire, MARKET, 'x'), { code: 'FORBIDDEN' });
  const { credential } = await service.create(titulaire, MARKET, 'Caisse');
  await assert.rejects(service.revoke(otherTitulaire, STATION, credential.id), { code: 'NOT_FOUND' });
  assert.ok((await service.list(otherTitulaire, STATION)).every((c) => c.finess === STATION));
  await assert.rejects(service.create(titulaire, MARKET, '   '), { code: 'INVALID_CREDENTIAL_NAME' });
});

test('a credential of a pharmacy without a mailbox is suspended, and says why', async () => {
  const { credential, token } = await service.create(otherTitulaire, STATION, 'LGO');
  assert.deepEqual([credential.status, credential.suspension], ['suspended', 'NO_MAILBOX']);
  assert.deepEqual(await service.authenticate(token), {
    status: 'suspended',
    credentialId: credential.id,
    finess: STATION,
    reason: 'NO_MAILBOX',
  });
  const row = await store.db
    .selectFrom('api_credentials')
    .select('last_used_at')
    .where('id', '=', credential.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.last_used_at, null, 'a refused use is no use');
});

test('every creation, revocation and refusal is in the audit trail, and the chain holds', async () => {
  const records = await store.db
    .selectFrom('audit_records')
    .select(['action', 'result', 'reason', 'actor_id'])
    .orderBy('seq')
    .execute();
  const summary = records.map((r) => `${r.action}:${r.result}:${r.reason ?? ''}`);
  assert.ok(summary.includes('credential.create:success:'));
  assert.ok(summary.includes('credential.revoke:success:'));
  assert.ok(
    summary.includes('credential.revoke:failure:NOT_FOUND'),
    'the failed revocation survives its rollback',
  );
  assert.ok(summary.includes('credential.create:denied:NOT_TITULAIRE'));
  assert.ok(
    records.every(
      (r) => r.actor_id === TITULAIRE || r.actor_id === ADJOINT || r.actor_id === OTHER_TITULAIRE,
    ),
  );
  assert.equal((await verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY })).ok, true);
});
