import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finessFrom, nirFrom } from '../../test/helpers/identifiers.ts';
import { pharmacyRecord } from '../../test/helpers/pharmacies.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import { createDirectoryStore } from '../directory/store.ts';
import { fixedClock } from '../time/clock.ts';
import { importDispensations } from './importer.ts';
import { createEligibilityService } from './service.ts';
import { createEligibilityStore } from './store.ts';

// "Today" is 26 November 2026 in Paris. A 12-month window keeps dispensations from
// 26 November 2025 on; 25 November 2025 is the first day out.
const clock = fixedClock('2026-11-26T10:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dispensation-import-'));
let store: TestStore;

const ALICE = nirFrom('2850675123005');
const BRUNO = nirFrom('1920169123045');
const MARKET = finessFrom('75000001');
const STATION = finessFrom('69000002');
const RED_LIST = finessFrom('13000003');
const UNLISTED = finessFrom('33000004');

before(async () => {
  store = await openTestStore();
  const directory = createDirectoryStore(store.db);
  const pharmacy = (finess: string, name: string, mailbox: PharmacyRecord['mailbox']) =>
    directory.savePharmacy(pharmacyRecord(finess, name, mailbox), clock.now().toISOString());
  await pharmacy(MARKET, 'Pharmacie du Marché', { address: 'marche@pharmacie.mssante.fr', published: true });
  await pharmacy(STATION, 'Pharmacie de la Gare', { address: 'gare@pharmacie.mssante.fr', published: true });
  await pharmacy(RED_LIST, 'Pharmacie Discrète', {
    address: 'discrete@pharmacie.mssante.fr',
    published: false,
  });
});
after(async () => {
  await store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const service = () =>
  createEligibilityService({ store: createEligibilityStore(store), clock, windowMonths: 12 });

const FILE = [
  'nir;finess;date_dispensation;rembourse;montant',
  `${ALICE};${MARKET};2026-11-26;O;12,50`, // today: eligible
  `${ALICE};${MARKET};2026-03-01;O;8,00`, // older duplicate: the latest date wins
  `${ALICE};${STATION};2025-11-26;O;3,20`, // first day of the window: eligible, last day today
  `${ALICE};${STATION};2026-10-01;N;4,00`, // not reimbursed: does not count
  `${ALICE};${RED_LIST};2026-10-01;O;4,00`, // eligible date, but the mailbox is on the liste rouge
  `${ALICE};${UNLISTED};2026-10-01;O;4,00`, // pharmacy not in the directory
  `${BRUNO};${MARKET};25/11/2025;oui;1.10`, // one day too old: expired; French date format
  `${BRUNO};${STATION};2026-10-27;O;5`, // eligible
  `${ALICE.slice(0, 13)}00;${MARKET};2026-01-01;O;1,00`, // bad NIR key
  `${ALICE};75000001X;2026-01-01;O;1,00`, // bad FINESS
  `${ALICE};${MARKET};2026-02-30;O;1,00`, // no such day
  `${ALICE};${MARKET};2026-11-27;O;1,00`, // tomorrow
  `${ALICE};${MARKET};2026-01-01;peut-être;1,00`, // bad flag
  `${ALICE};${MARKET};2026-01-01;O;-3`, // bad amount
  `${ALICE.slice(0, 13)};${MARKET};2026-01-01;O;1,00`, // 13 characters: no key
  `"${ALICE};${MARKET};2026-01-01;O;1,00`, // unbalanced quote
];

test('imports reimbursed dispensations, keeps the latest per pair and reports bad rows by line', async () => {
  const report = path.join(dir, 'errors.csv');
  const summary = await importDispensations({
    store,
    clock,
    file: write('d.csv', FILE),
    errorReportFile: report,
  });
  assert.equal(summary.rowsRead, 16);
  assert.equal(summary.rowsAccepted, 7);
  assert.equal(summary.rowsSkipped, 1);
  assert.equal(summary.rowsRejected, 8);
  assert.equal(summary.pairsChanged, 6);
  const lines = fs.readFileSync(report, 'utf8').trim().split('\n').slice(1);
  assert.deepEqual(
    lines.map((l) => l.split(';').slice(0, 2).join(':')),
    [
      '10:BAD_NIR',
      '11:BAD_FINESS',
      '12:BAD_DATE',
      '13:FUTURE_DATE',
      '14:BAD_REIMBURSED',
      '15:BAD_AMOUNT',
      '16:BAD_NIR',
      '17:MALFORMED_LINE',
    ],
  );
  assert.ok(!fs.readFileSync(report, 'utf8').includes(ALICE), 'the report never repeats a NIR');
  const rows = await store.db
    .selectFrom('eligibility')
    .selectAll()
    .orderBy('matricule')
    .orderBy('finess')
    .execute();
  assert.deepEqual(
    rows.filter((r) => r.matricule === ALICE && r.finess === MARKET).map((r) => r.last_reimbursed_on),
    ['2026-11-26'],
  );
});

test('the service lists the pharmacies a patient may write to, with the date it ends', async () => {
  const alice = await service().writablePharmacies(ALICE);
  assert.deepEqual(
    alice.map((p) => [p.finess, p.lastReimbursedOn, p.eligibleUntil, p.mailboxAddress]),
    [
      [MARKET, '2026-11-26', '2027-11-26', 'marche@pharmacie.mssante.fr'],
      [STATION, '2025-11-26', '2026-11-26', 'gare@pharmacie.mssante.fr'],
    ],
  );
  assert.match(alice[1]?.explanation ?? '', /jusqu'au 26 novembre 2026/);
  // The next day, the station drops out of Alice's list.
  assert.deepEqual(
    (await service().writablePharmacies(ALICE, '2026-11-27')).map((p) => p.finess),
    [MARKET],
  );
  assert.deepEqual(
    (await service().writablePharmacies(BRUNO)).map((p) => p.finess),
    [STATION],
  );
});

test('a refused pair says why', async () => {
  const check = (nir: string, finess: string) => service().check(nir, finess);
  const expired = await check(BRUNO, MARKET);
  assert.deepEqual(expired.verdict, {
    eligible: false,
    reason: 'EXPIRED',
    lastReimbursedOn: '2025-11-25',
    eligibleUntil: '2026-11-25',
  });
  assert.match(expired.explanation, /25 novembre 2025.*25 novembre 2026/);
  assert.equal((await check(ALICE, RED_LIST)).verdict.eligible, false);
  assert.deepEqual((await check(ALICE, RED_LIST)).verdict, {
    eligible: false,
    reason: 'NO_PUBLISHED_MAILBOX',
  });
  assert.deepEqual((await check(ALICE, UNLISTED)).verdict, { eligible: false, reason: 'UNKNOWN_PHARMACY' });
  assert.deepEqual((await check(BRUNO, RED_LIST)).verdict, {
    eligible: false,
    reason: 'NO_PUBLISHED_MAILBOX',
  });
  const never = await check(nirFrom('1550199134056'), MARKET);
  assert.deepEqual(never.verdict, { eligible: false, reason: 'NO_REIMBURSED_DISPENSATION' });
  assert.match(never.explanation, /12 derniers mois/);
  const history = await service().history(ALICE);
  assert.deepEqual(
    history.map((h) => [h.finess, h.verdict.eligible]),
    [
      [MARKET, true],
      [RED_LIST, false],
      [STATION, true],
    ],
  );
});

test('importing the same file again changes nothing; an older file cannot move a date back', async () => {
  const before = await store.db
    .selectFrom('eligibility')
    .selectAll()
    .orderBy('matricule')
    .orderBy('finess')
    .execute();
  const again = await importDispensations({
    store,
    clock,
    file: path.join(dir, 'd.csv'),
    errorReportFile: null,
  });
  assert.equal(again.pairsChanged, 0);
  assert.equal(again.rowsAccepted, 7);
  const older = write('older.csv', [
    'nir;finess;date_dispensation;rembourse;montant',
    `${ALICE};${MARKET};2026-01-05;O;2,00`,
  ]);
  assert.equal(
    (await importDispensations({ store, clock, file: older, errorReportFile: null })).pairsChanged,
    0,
  );
  const after = await store.db
    .selectFrom('eligibility')
    .selectAll()
    .orderBy('matricule')
    .orderBy('finess')
    .execute();
  assert.deepEqual(after, before);
  const runs = await store.db
    .selectFrom('import_runs')
    .select(['rows_read', 'pairs_changed'])
    .orderBy('id')
    .execute();
  assert.deepEqual(runs, [
    { rows_read: 16, pairs_changed: 6 },
    { rows_read: 16, pairs_changed: 0 },
    { rows_read: 1, pairs_changed: 0 },
  ]);
});

test('a newer dispensation moves the date forward and a missing column fails before anything is written', async () => {
  const newer = write('newer.csv', [
    'nir;finess;date_dispensation;rembourse;montant',
    `${BRUNO};${MARKET};2026-06-01;O;2,00`,
  ]);
  assert.equal(
    (await importDispensations({ store, clock, file: newer, errorReportFile: null })).pairsChanged,
    1,
  );
  assert.equal((await service().check(BRUNO, MARKET)).verdict.eligible, true);
  const bad = write('bad-header.csv', ['nir;finess;date;rembourse', `${BRUNO};${MARKET};2026-06-01;O`]);
  await assert.rejects(importDispensations({ store, clock, file: bad, errorReportFile: null }), {
    code: 'IMPORT_BAD_HEADER',
  });
});

test('reads CRLF files with a BOM, quoted fields and blank lines, numbering lines as in the file', async () => {
  const CAROLE = nirFrom('2920375123011');
  const spaced = `"${CAROLE.slice(0, 1)} ${CAROLE.slice(1, 3)} ${CAROLE.slice(3, 5)} ${CAROLE.slice(5)}"`;
  const lines = [
    '"NIR";Finess;date_dispensation;"rembourse";montant',
    `${CAROLE};${MARKET};2026-09-01;O;"12,50"`,
    '',
    `"${CAROLE}";"${STATION}";"01/09/2026";"O";"3"`,
    `"${CAROLE};${MARKET};2026-09-02;O;1`, // unbalanced quote: this line only
    `${spaced} ; ${RED_LIST} ;2026-09-03; o ;2`,
    `${CAROLE};"${MARKET}"x;2026-09-04;O;1`, // text after a closing quote
    `${CAROLE};${MARKET};2026-09-31;O;1`,
    `${CAROLE};${UNLISTED};2026-09-05;N;1`,
  ];
  const file = path.join(dir, 'crlf.csv');
  fs.writeFileSync(file, `\uFEFF${lines.join('\r\n')}`);
  const report = path.join(dir, 'crlf.errors.csv');
  const summary = await importDispensations({ store, clock, file, errorReportFile: report });
  assert.deepEqual(
    [summary.rowsRead, summary.rowsAccepted, summary.rowsSkipped, summary.rowsRejected, summary.pairsChanged],
    [7, 3, 1, 3, 3],
  );
  assert.deepEqual(
    fs
      .readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(';').slice(0, 2).join(':')),
    ['5:MALFORMED_LINE', '7:MALFORMED_LINE', '8:BAD_DATE'],
  );
  const rows = await store.db
    .selectFrom('eligibility')
    .select(['finess', 'last_reimbursed_on'])
    .where('matricule', '=', CAROLE)
    .orderBy('finess')
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.finess, r.last_reimbursed_on]),
    [
      [RED_LIST, '2026-09-03'],
      [MARKET, '2026-09-01'],
      [STATION, '2026-09-01'],
    ].sort(),
  );
});
