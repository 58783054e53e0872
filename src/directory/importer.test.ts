import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { finessFrom, rppsFrom } from '../../test/helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { fixedClock } from '../time/clock.ts';
import { importDirectory } from './importer.ts';
import { createDirectoryStore } from './store.ts';

const clock = fixedClock('2026-11-26T10:00:00Z');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'directory-import-'));
let store: TestStore;

before(async () => {
  store = await openTestStore();
});
after(async () => {
  await store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const PARIS = finessFrom('75000001');
const LYON = finessFrom('69000002');
const AJACCIO = '2A0000034';
const HOSPITAL = finessFrom('75000003');

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const header =
  'nofinesset;nofinessej;rs;numvoie;typvoie;voie;codepostal;commune;departement;telephone;categetab;horaires;bal_org;bal_liste_rouge';

test('imports pharmacies (category 620 only) with their organisational mailbox, reporting bad rows by line', async () => {
  const file = write('pharmacies.csv', [
    header,
    `${PARIS};${finessFrom('75000100')};Pharmacie du Marché;12;rue;de Bretagne;75003;Paris;75;01 42 72 00 00;620;Lun–Sam 9h–20h;marche@pharmacie.mssante.fr;N`,
    `${LYON};;Grande Pharmacie de la Gare;1;place;Carnot;69002;Lyon;69;;620;;gare.lyon@pharmacie.mssante.fr;O`,
    `${AJACCIO};;Pharmacie du Port;3;quai;Napoléon;20000;Ajaccio;2A;;620;;;`,
    `${HOSPITAL};;Hôpital Saint-Louis;1;avenue;Claude Vellefaux;75010;Paris;75;;101;;;`,
    `750000019;;Pharmacie à la clé fausse;1;rue;X;75001;Paris;75;;620;;;`,
    `${finessFrom('75000004')};;Pharmacie sans code postal;1;rue;X;;Paris;75;;620;;;`,
    `${finessFrom('75000005')};;Pharmacie de la boîte prise;1;rue;Y;75001;Paris;75;;620;;marche@pharmacie.mssante.fr;N`,
    `${finessFrom('75000006')};;"Pharmacie ""mal formée;1;rue;Z;75001;Paris;75;;620;;;`,
  ]);
  const report = path.join(dir, 'pharmacies.errors.csv');
  const summary = await importDirectory({ store, clock, file, errorReportFile: report });
  assert.equal(summary.kind, 'pharmacies');
  assert.equal(summary.rowsRead, 8);
  assert.equal(summary.rowsAccepted, 3);
  assert.equal(summary.rowsSkipped, 1);
  assert.equal(summary.rowsRejected, 4);
  assert.equal(summary.warnings, 1, 'the Corsican FINESS is accepted with a warning');

  const errors = fs.readFileSync(report, 'utf8').trim().split('\n');
  assert.equal(errors[0], 'ligne;code;motif');
  const byLine = new Map(errors.slice(1).map((l) => [Number(l.split(';')[0]), l.split(';')[1]]));
  assert.equal(byLine.get(6), 'BAD_FINESS');
  assert.equal(byLine.get(7), 'BAD_POSTCODE');
  assert.equal(byLine.get(8), 'MAILBOX_ADDRESS_TAKEN');
  assert.equal(byLine.get(9), 'MALFORMED_LINE');
  assert.doesNotMatch(
    fs.readFileSync(report, 'utf8'),
    /Pharmacie/,
    'the report names lines, not their content',
  );

  const directory = createDirectoryStore(store.db);
  assert.deepEqual(await directory.pharmacy(PARIS), {
    finess: PARIS,
    name: 'Pharmacie du Marché',
    city: 'Paris',
    departement: '75',
    mailboxAddress: 'marche@pharmacie.mssante.fr',
    mailboxPublished: true,
  });
  assert.equal((await directory.pharmacy(LYON))?.mailboxPublished, false, 'liste rouge');
  assert.equal((await directory.pharmacy(AJACCIO))?.mailboxAddress, null);
  assert.equal(await directory.pharmacy(HOSPITAL), undefined);
});

test('re-importing updates metadata, keeps the mailbox address and refuses to change it', async () => {
  const file = write('pharmacies-2.csv', [
    header,
    `${PARIS};;Pharmacie du Marché des Enfants Rouges;12;rue;de Bretagne;75003;Paris;75;;620;;marche@pharmacie.mssante.fr;O`,
    `${LYON};;Grande Pharmacie de la Gare;1;place;Carnot;69002;Lyon;69;;620;;autre@pharmacie.mssante.fr;N`,
  ]);
  const summary = await importDirectory({ store, clock, file, errorReportFile: null });
  assert.equal(summary.rowsAccepted, 1);
  assert.deepEqual(
    summary.errorSample.map((e) => [e.line, e.code]),
    [[3, 'MAILBOX_ADDRESS_CHANGED']],
  );
  const directory = createDirectoryStore(store.db);
  const paris = await directory.pharmacy(PARIS);
  assert.equal(paris?.name, 'Pharmacie du Marché des Enfants Rouges');
  assert.equal(paris?.mailboxPublished, false, 'now on the liste rouge');
  assert.equal((await directory.pharmacy(LYON))?.mailboxAddress, 'gare.lyon@pharmacie.mssante.fr');
});

test('imports professionals and their memberships; unknown pharmacies and bad RPPS are reported', async () => {
  const titulaire = rppsFrom('1000000001');
  const adjoint = rppsFrom('1000000002');
  const file = write('professionals.csv', [
    'rpps;nom;prenom;finess;role',
    `${titulaire};Durand;Claire;${PARIS};Titulaire`,
    `${titulaire};Durand;Claire;${LYON};adjoint`,
    `${adjoint};Nguyen;Paul;${PARIS};Pharmacien adjoint`,
    `${rppsFrom('1000000003')};Petit;Léa;${finessFrom('99999999')};preparateur`,
    `10000000010;Faux;Numéro;${PARIS};adjoint`,
    `${rppsFrom('1000000004')};Martin;Hugo;${PARIS};stagiaire`,
  ]);
  const summary = await importDirectory({ store, clock, file, errorReportFile: null });
  assert.equal(summary.kind, 'professionals');
  assert.equal(summary.rowsAccepted, 3);
  assert.deepEqual(
    summary.errorSample.map((e) => [e.line, e.code]),
    [
      [6, 'BAD_RPPS'],
      [7, 'BAD_ROLE'],
      [5, 'UNKNOWN_PHARMACY'],
    ],
  );
  const directory = createDirectoryStore(store.db);
  assert.deepEqual(
    (await directory.memberships(titulaire)).map((m) => [m.finess, m.role]),
    [
      [LYON, 'adjoint'],
      [PARIS, 'titulaire'],
    ].sort(),
  );
});

test('a file with neither header is refused with a clear error', async () => {
  const file = write('unknown.csv', ['a;b;c', '1;2;3']);
  await assert.rejects(importDirectory({ store, clock, file, errorReportFile: null }), {
    code: 'IMPORT_UNKNOWN_FORMAT',
  });
});
