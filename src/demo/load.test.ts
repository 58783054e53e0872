import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createDirectoryStore } from '../directory/store.ts';
import { createEligibilityService } from '../eligibility/service.ts';
import { createEligibilityStore } from '../eligibility/store.ts';
import { fixedClock } from '../time/clock.ts';
import { addMonths } from '../time/local-date.ts';
import { DEMO_SEED, generateDemo } from './generate.ts';
import { demoImportSha256, isStoreEmpty, loadDemo } from './load.ts';

const NOW = '2026-03-15T10:30:00.000Z';
const TODAY = '2026-03-15';
const WINDOW = 12;
const clock = fixedClock(NOW);

async function tableCounts(store: TestStore) {
  const count = async (
    table:
      | 'pharmacies'
      | 'mailboxes'
      | 'professionals'
      | 'memberships'
      | 'patients'
      | 'eligibility'
      | 'import_runs',
  ) => {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    pharmacies: await count('pharmacies'),
    mailboxes: await count('mailboxes'),
    professionals: await count('professionals'),
    memberships: await count('memberships'),
    patients: await count('patients'),
    eligibility: await count('eligibility'),
    importRuns: await count('import_runs'),
  };
}

describe('loadDemo', () => {
  let store: TestStore;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.dispose();
  });

  it('loads the whole demo into an empty store', async () => {
    assert.equal(await isStoreEmpty(store), true);
    const demo = generateDemo(DEMO_SEED, TODAY, WINDOW);
    const reimbursedPairs = new Set(
      demo.dispensations.filter((d) => d.reimbursed).map((d) => `${d.matricule}/${d.finess}`),
    );

    const summary = await loadDemo(store, clock, { windowMonths: WINDOW });
    assert.equal(summary.loaded, true);
    assert.equal(summary.pharmacies, 36);
    assert.equal(summary.patients, 300);
    assert.equal(summary.eligibilityPairsChanged, reimbursedPairs.size);
    assert.equal(summary.reimbursedDispensations, demo.dispensations.filter((d) => d.reimbursed).length);
    assert.equal(await isStoreEmpty(store), false);
    assert.deepEqual(await tableCounts(store), {
      pharmacies: 36,
      mailboxes: demo.pharmacies.filter((p) => p.mailbox !== null).length,
      professionals: summary.professionals,
      memberships: summary.memberships,
      patients: 300,
      eligibility: reimbursedPairs.size,
      importRuns: 1,
    });
    const run = await store.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow();
    assert.equal(run.kind, 'dispensations');
    assert.equal(run.sha256, demoImportSha256(DEMO_SEED));
    assert.equal(run.rows_read, demo.dispensations.length);
    assert.equal(run.rows_skipped, demo.dispensations.length - summary.reimbursedDispensations);
  });

  it('returns demo accounts that work: memberships for pharmacists, every story for patients', async () => {
    const summary = await loadDemo(store, clock, { windowMonths: WINDOW });
    const directory = createDirectoryStore(store.db);
    for (const pro of summary.accounts.professionals) {
      assert.deepEqual(await directory.memberships(pro.rpps), [
        { finess: pro.finess, pharmacyName: pro.pharmacy, role: pro.role },
      ]);
    }
    const service = createEligibilityService({
      store: createEligibilityStore(store),
      clock,
      windowMonths: WINDOW,
    });
    const lastMonth = addMonths('2026-03-01', -1).slice(0, 7);
    for (const patient of summary.accounts.patients) {
      assert.equal(patient.address, `${patient.matricule}@patient.mssante.fr`);
      const writable = await service.writablePharmacies(patient.matricule, TODAY);
      assert.ok(writable.length >= 2, patient.name);
      assert.ok(writable.some((p) => p.finess === summary.accounts.professionals[0]?.finess));
      const history = await service.history(patient.matricule, TODAY);
      const reasons = history.map((h) => (h.verdict.eligible ? 'ELIGIBLE' : h.verdict.reason));
      assert.ok(reasons.includes('NO_PUBLISHED_MAILBOX'), patient.name);
      assert.ok(
        history.some(
          (h) =>
            !h.verdict.eligible &&
            h.verdict.reason === 'EXPIRED' &&
            h.verdict.eligibleUntil.startsWith(lastMonth),
        ),
        patient.name,
      );
    }
  });

  it('does not write anything the second time', async () => {
    const before = await tableCounts(store);
    const summary = await loadDemo(store, clock, { windowMonths: WINDOW });
    assert.equal(summary.loaded, false);
    assert.equal(summary.eligibilityPairsChanged, 0);
    assert.deepEqual(await tableCounts(store), before);
  });
});
