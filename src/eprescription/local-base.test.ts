import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { normalizePrescriptionNumber } from './base.ts';
import { createLocalEPrescriptionBase, saveEPrescriptions } from './local-base.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

test('prescription numbers are opaque upper-case alphanumeric tokens', () => {
  assert.equal(normalizePrescriptionNumber(' ep12-ab34 cd56 '), 'EP12AB34CD56');
  assert.equal(normalizePrescriptionNumber('abc'), null);
  assert.equal(normalizePrescriptionNumber('https://x.example/1'), null);
  assert.equal(normalizePrescriptionNumber('A'.repeat(65)), null);
});

test('the local base finds a saved prescription by its number, typed in any case', async () => {
  const lines = [{ label: 'Amoxicilline 1 g', quantity: '1 boîte', posology: '1 comprimé matin et soir' }];
  await store.db.transaction().execute((trx) =>
    saveEPrescriptions(trx, [
      {
        number: 'EP0123456789AB',
        matricule: '175037512300512',
        prescriber: 'Dr Garnier',
        prescriberRpps: null,
        issuedOn: '2026-03-10',
        lines,
      },
    ]),
  );
  const base = createLocalEPrescriptionBase(store.db);
  assert.deepEqual(await base.lookup('ep0123456789ab'), {
    number: 'EP0123456789AB',
    prescriber: 'Dr Garnier',
    issuedOn: '2026-03-10',
    lines,
  });
  assert.equal(await base.lookup('EP0000000000'), null);
  assert.equal(await base.lookup('not a number'), null);
});
