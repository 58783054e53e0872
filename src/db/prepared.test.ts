import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { prepareQuery } from './prepared.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
  await store.db
    .insertInto('eligibility')
    .values([
      { matricule: 'A', finess: '1', last_reimbursed_on: '2026-01-01' },
      { matricule: 'A', finess: '2', last_reimbursed_on: '2026-06-01' },
      { matricule: 'B', finess: '1', last_reimbursed_on: '2026-03-01' },
    ])
    .execute();
});
after(() => store.dispose());

test('a prepared query binds call-time parameters and keeps constants', async () => {
  const query = prepareQuery<{ matricule: string; since: string }, { finess: string }>(
    store,
    'test_recent',
    (param) =>
      store.db
        .selectFrom('eligibility')
        .select('finess')
        .where('matricule', '=', param('matricule'))
        .where('last_reimbursed_on', '>=', param('since'))
        .where('finess', '!=', '3')
        .orderBy('finess'),
  );
  assert.deepEqual(await query({ matricule: 'A', since: '2026-01-01' }), [{ finess: '1' }, { finess: '2' }]);
  assert.deepEqual(await query({ matricule: 'A', since: '2026-02-01' }), [{ finess: '2' }]);
  assert.deepEqual(await query({ matricule: 'B', since: '2026-01-01' }), [{ finess: '1' }]);
  assert.deepEqual(await query({ matricule: 'C', since: '2026-01-01' }), []);
});
