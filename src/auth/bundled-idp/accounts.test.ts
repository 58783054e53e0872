import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withDemo } from '../../../test/auth/test-server.ts';
import { openTestStore, type TestStore } from '../../../test/helpers/test-store.ts';
import { DEMO_ACCOUNTS } from '../../demo/accounts.ts';
import { NIR_OID } from '../../identity/national-id.ts';
import { createIdpAccounts } from './accounts.ts';

describe('bundled provider accounts', () => {
  let store: TestStore;
  const camille = DEMO_ACCOUNTS.patients[0];
  const claire = DEMO_ACCOUNTS.professionals[0];
  before(async () => {
    store = await openTestStore();
    await withDemo(store, { now: () => new Date() });
  });
  after(async () => {
    await store.dispose();
  });

  it('gives a patient the Mon espace santé style claims', async () => {
    assert.ok(camille);
    const accounts = createIdpAccounts(store.db);
    const found = await accounts.lookup('patient', camille.matricule.replace(/^(.)(..)/, '$1 $2 '));
    assert.deepEqual(found, { ok: true, accountId: `patient-${camille.matricule}` });
    assert.ok(found.ok);
    assert.deepEqual(await accounts.claims(found.accountId), {
      sub: found.accountId,
      given_name: 'Camille',
      family_name: 'Martin',
      birthdate: '1988-06-14',
      gender: 'female',
      ins_matricule: camille.matricule,
      ins_oid: NIR_OID,
      ins_status: 'QUAL',
    });
  });

  it('gives a professional the Pro Santé Connect style claims, by RPPS or national id', async () => {
    assert.ok(claire);
    const accounts = createIdpAccounts(store.db);
    assert.deepEqual(await accounts.lookup('professional', `8${claire.rpps}`), {
      ok: true,
      accountId: `pro-${claire.rpps}`,
    });
    assert.deepEqual(await accounts.claims(`pro-${claire.rpps}`), {
      sub: `pro-${claire.rpps}`,
      SubjectNameID: `8${claire.rpps}`,
      given_name: 'Claire',
      family_name: 'Dubois',
    });
    const structure = await accounts.lookup('professional', '1750003410');
    assert.equal(structure.ok, false);
    assert.equal((await accounts.lookup('professional', '10000000000')).ok, false);
    assert.equal(await accounts.claims('someone-else'), undefined);
  });

  it('lists the demo accounts present in the store', async () => {
    const accounts = createIdpAccounts(store.db);
    assert.equal((await accounts.choices('patient')).length, DEMO_ACCOUNTS.patients.length);
    assert.equal((await accounts.choices('professional')).length, DEMO_ACCOUNTS.professionals.length);
  });
});
