import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, type TestStore, testEngine } from '../../test/helpers/test-store.ts';
import { startDispensationLoad } from './bulk-load.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

let runs = 0;
const run = () => ({
  id: `run-${++runs}`,
  kind: 'dispensations' as const,
  sha256: 'x',
  rows_read: 0,
  rows_accepted: 0,
  rows_rejected: 0,
  rows_skipped: 0,
  started_at: '2026-11-26T10:00:00.000Z',
  finished_at: '2026-11-26T10:00:01.000Z',
});

const index = () =>
  store.db
    .selectFrom('eligibility')
    .select(['matricule', 'finess', 'last_reimbursed_on'])
    .orderBy('matricule')
    .orderBy('finess')
    .execute();

test('several staged batches fold into the latest date per pair; only newer dates count as changes', async () => {
  const load = await startDispensationLoad(store);
  try {
    await load.stage({
      matricules: ['A', 'A', 'B'],
      finess: ['1', '2', '1'],
      dates: ['2026-01-01', '2026-02-01', '2026-03-01'],
    });
    await load.stage({ matricules: [], finess: [], dates: [] });
    await load.stage({ matricules: ['A', 'B'], finess: ['1', '1'], dates: ['2026-05-01', '2026-02-01'] });
    assert.equal(await load.merge(run()), 3);
  } finally {
    await load.close();
  }
  const again = await startDispensationLoad(store);
  try {
    await again.stage({
      matricules: ['A', 'A', 'C'],
      finess: ['1', '2', '9'],
      dates: ['2026-04-01', '2026-06-01', '2026-01-01'],
    });
    await again.stage({ matricules: ['B'], finess: ['1'], dates: ['2026-03-01'] });
    // A/1 is older than stored: unchanged. A/2 is newer, C/9 is new: two changes.
    assert.equal(await again.merge(run()), 2);
  } finally {
    await again.close();
  }
  assert.deepEqual(await index(), [
    { matricule: 'A', finess: '1', last_reimbursed_on: '2026-05-01' },
    { matricule: 'A', finess: '2', last_reimbursed_on: '2026-06-01' },
    { matricule: 'B', finess: '1', last_reimbursed_on: '2026-03-01' },
    { matricule: 'C', finess: '9', last_reimbursed_on: '2026-01-01' },
  ]);
});

test('PostgreSQL: a staging batch that fails (sent while the next is prepared) fails the merge, not silently', {
  skip: testEngine === 'sqlite' && 'SQLite stages synchronously and stores any text',
}, async () => {
  const before = await index();
  const load = await startDispensationLoad(store);
  try {
    // A newline inside a value would shift the columns: the lengths differ, and a not-null fails.
    await load.stage({ matricules: ['D\nE'], finess: ['1'], dates: ['2026-01-01'] });
    await load.stage({ matricules: ['F'], finess: ['1'], dates: ['2026-01-01'] }).catch(() => {});
    await assert.rejects(load.merge(run()));
  } finally {
    await load.close();
  }
  assert.deepEqual(await index(), before);
});
