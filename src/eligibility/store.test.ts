import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { finessFrom, nirFrom } from '../../test/helpers/identifiers.ts';
import { orgMailbox, pharmacyRecord } from '../../test/helpers/pharmacies.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import { createDirectoryStore } from '../directory/store.ts';
import {
  createDirectoryCache,
  type DirectoryCache,
  type DirectoryVersionSchema,
  loadWritableDirectory,
} from './directory-cache.ts';
import { createEligibilityStore, type PharmacyWithDispensation } from './store.ts';

const NOW = '2026-11-26T10:00:00.000Z';
const SINCE = '2025-11-26';
const PATIENT = nirFrom('2850675123005');
const MARKET = finessFrom('75000001');
const STATION = finessFrom('69000002');
const RED_LIST = finessFrom('13000003');
const NO_MAILBOX = finessFrom('33000004');
const UNLISTED = finessFrom('59000005');
const OLD = finessFrom('44000006');

let store: TestStore;

const save = (record: PharmacyRecord) => createDirectoryStore(store.db).savePharmacy(record, NOW);

before(async () => {
  store = await openTestStore();
  await save(pharmacyRecord(MARKET, 'Pharmacie du Marché', orgMailbox('marche'), '0102030405'));
  await save(pharmacyRecord(STATION, 'Pharmacie de la Gare', orgMailbox('gare')));
  await save(pharmacyRecord(RED_LIST, 'Pharmacie Discrète', orgMailbox('discrete', false)));
  await save(pharmacyRecord(NO_MAILBOX, 'Pharmacie Sans Messagerie', null));
  await save(pharmacyRecord(OLD, 'Pharmacie Ancienne', orgMailbox('ancienne')));
  await store.db
    .insertInto('eligibility')
    .values(
      [
        [MARKET, '2026-10-01'],
        [STATION, '2026-10-01'], // same date as the market: FINESS order
        [RED_LIST, '2026-11-01'],
        [NO_MAILBOX, '2026-11-01'],
        [UNLISTED, '2026-11-01'],
        [OLD, '2025-11-25'], // the day before `SINCE`
      ].map(([finess, date]) => ({
        matricule: PATIENT,
        finess: finess as string,
        last_reimbursed_on: date as string,
      })),
    )
    .execute();
});
after(() => store.dispose());

/** An eligibility store whose directory cache reports whether each lookup could use it. */
function observedStore() {
  const cache = createDirectoryCache(() => loadWritableDirectory(store.db), { minReloadIntervalMs: 0 });
  const hits: boolean[] = [];
  const observed: DirectoryCache = {
    at(version) {
      const current = cache.at(version);
      hits.push(current !== null);
      return current;
    },
    idle: () => cache.idle(),
  };
  return { eligibility: createEligibilityStore(store, { directoryCache: observed }), cache, hits };
}

const summary = (rows: PharmacyWithDispensation[]) =>
  rows.map((r) => [r.finess, r.name, r.mailboxAddress, r.lastReimbursedOn]);

test('the pharmacy list is the same from the database and from the in-memory directory', async () => {
  const { eligibility, cache, hits } = observedStore();
  const fromDatabase = await eligibility.writablePharmacies(PATIENT, SINCE);
  await cache.idle();
  const fromMemory = await eligibility.writablePharmacies(PATIENT, SINCE);
  assert.deepEqual(hits, [false, true]);
  assert.deepEqual(fromMemory, fromDatabase);
  const station = {
    finess: STATION,
    name: 'Pharmacie de la Gare',
    address: '1 rue X',
    postcode: '75001',
    city: 'Paris',
    departement: '69',
    phone: null,
    mailboxAddress: 'gare@pharmacie.mssante.fr',
    lastReimbursedOn: '2026-10-01',
  };
  const market = {
    ...station,
    finess: MARKET,
    name: 'Pharmacie du Marché',
    departement: '75',
    phone: '0102030405',
    mailboxAddress: 'marche@pharmacie.mssante.fr',
  };
  // Newest first, then by FINESS; no liste rouge, no pharmacy without a mailbox, none unlisted.
  assert.deepEqual(fromMemory, [station, market]);
  assert.deepEqual(await eligibility.writablePharmacies(nirFrom('1920169123045'), SINCE), []);
  assert.deepEqual(
    (await eligibility.writablePharmacies(PATIENT, '2025-11-25')).map((r) => r.finess),
    [STATION, MARKET, OLD],
  );
});

test('a directory change shows at the very next lookup, whoever made it', async () => {
  const { eligibility, cache, hits } = observedStore();
  await eligibility.writablePharmacies(PATIENT, SINCE);
  await cache.idle();
  assert.equal((await eligibility.writablePharmacies(PATIENT, SINCE)).length, 2);
  assert.deepEqual(hits, [false, true]);

  // Renamed, unpublished, given a mailbox: each seen at once (from the database), then from memory.
  const steps: Array<[PharmacyRecord, Array<[string, string]>]> = [
    [
      pharmacyRecord(MARKET, 'Grande Pharmacie du Marché', orgMailbox('marche'), '0102030405'),
      [
        [STATION, 'Pharmacie de la Gare'],
        [MARKET, 'Grande Pharmacie du Marché'],
      ],
    ],
    [
      pharmacyRecord(STATION, 'Pharmacie de la Gare', orgMailbox('gare', false)),
      [[MARKET, 'Grande Pharmacie du Marché']],
    ],
    [
      pharmacyRecord(NO_MAILBOX, 'Pharmacie Sans Messagerie', orgMailbox('enfin')),
      [
        [NO_MAILBOX, 'Pharmacie Sans Messagerie'],
        [MARKET, 'Grande Pharmacie du Marché'],
      ],
    ],
  ];
  for (const [record, expected] of steps) {
    await save(record);
    hits.length = 0;
    const now = await eligibility.writablePharmacies(PATIENT, SINCE);
    await cache.idle();
    const later = await eligibility.writablePharmacies(PATIENT, SINCE);
    assert.deepEqual(hits, [false, true], record.name);
    assert.deepEqual(
      now.map((r) => [r.finess, r.name]),
      expected,
    );
    assert.deepEqual(summary(later), summary(now));
  }
});

test('directory_version grows with each committed directory change, not with a rolled-back one', async () => {
  const version = async () =>
    Number(
      (
        await store.db
          .withTables<DirectoryVersionSchema>()
          .selectFrom('directory_version')
          .select('version')
          .executeTakeFirstOrThrow()
      ).version,
    );
  const v0 = await version();
  await save(pharmacyRecord(OLD, 'Pharmacie Ancienne et Moderne', orgMailbox('ancienne')));
  const v1 = await version();
  assert.ok(v1 > v0);
  await assert.rejects(
    store.db.transaction().execute(async (trx) => {
      await trx.updateTable('mailboxes').set({ published: 0 }).where('pharmacy_finess', '=', OLD).execute();
      throw new Error('changed my mind');
    }),
  );
  assert.equal(await version(), v1);
  await store.db
    .updateTable('mailboxes')
    .set({ updated_at: NOW })
    .where('pharmacy_finess', '=', OLD)
    .execute();
  const v2 = await version();
  assert.ok(v2 > v1);
  await store.db.deleteFrom('mailboxes').where('pharmacy_finess', '=', OLD).execute();
  assert.ok((await version()) > v2);
  const directory = await loadWritableDirectory(store.db);
  assert.equal(directory.version, await version());
  assert.equal(directory.pharmacies.has(OLD), false);
  assert.equal(directory.pharmacies.has(RED_LIST), false);
});
