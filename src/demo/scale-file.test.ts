import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { checkDispensationRow, DISPENSATION_COLUMNS } from '../eligibility/dispensation-row.ts';
import { parseFiness } from '../identity/finess.ts';
import { parseNir } from '../identity/nir.ts';
import { addMonths } from '../time/local-date.ts';
import {
  DISPENSATION_HEADER,
  homePharmacy,
  PATIENT_CAPACITY,
  patientMatricule,
  pharmacyFiness,
  writeDispensationFile,
} from './scale-file.ts';

const TODAY = '2026-03-15';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-scale-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('scale pools', () => {
  it('name distinct, valid patients, deterministically for a seed', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const m = patientMatricule(i, 7);
      assert.ok(parseNir(m).ok, m);
      seen.add(m);
    }
    assert.equal(seen.size, 20_000);
    assert.equal(patientMatricule(123, 7), patientMatricule(123, 7));
    assert.notEqual(patientMatricule(123, 7), patientMatricule(123, 8));
    assert.ok(parseNir(patientMatricule(PATIENT_CAPACITY - 1, 7)).ok);
    assert.throws(() => patientMatricule(PATIENT_CAPACITY, 7), RangeError);
    assert.throws(() => patientMatricule(-1, 7), RangeError);
    const places = new Set(
      [...seen].map((m) => {
        const parsed = parseNir(m);
        return parsed.ok ? parsed.nir.place : 'invalid';
      }),
    );
    assert.deepEqual([...places].sort(), ['corse', 'etranger', 'metropole', 'outre-mer']);
  });

  it('name 20,500 distinct, valid pharmacies across metropolitan, Corsican and overseas départements', () => {
    const all = Array.from({ length: 20_500 }, (_, i) => pharmacyFiness(i));
    assert.equal(new Set(all).size, all.length);
    const departements = new Set<string>();
    for (const finess of all) {
      const parsed = parseFiness(finess);
      assert.ok(parsed.ok, finess);
      departements.add(parsed.finess.departement);
    }
    for (const d of ['01', '2A', '2B', '75', '95', '971', '974', '976']) assert.ok(departements.has(d), d);
    assert.ok(!departements.has('20'));
    const home = homePharmacy(42, 1, 20_500);
    assert.ok(Number.isInteger(home) && home >= 0 && home < 20_500);
    assert.equal(homePharmacy(42, 1, 20_500), home);
  });
});

describe('writeDispensationFile', () => {
  it('writes 1,000 valid rows after the header, none in the future, ~85 % reimbursed', async () => {
    const file = path.join(dir, 'a.csv');
    const progress: number[] = [];
    await writeDispensationFile(file, {
      rows: 1000,
      seed: 3,
      today: TODAY,
      onProgress: (n) => progress.push(n),
    });
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.equal(lines.length, 1001);
    assert.equal(lines[0], DISPENSATION_HEADER);
    assert.deepEqual(DISPENSATION_HEADER.split(';'), [...DISPENSATION_COLUMNS]);
    assert.equal(progress.at(-1), 1000);

    const oldest = addMonths(TODAY, -19);
    const patients = new Set(Array.from({ length: 200 }, (_, i) => patientMatricule(i, 3)));
    const seenPatients = new Set<string>();
    let reimbursed = 0;
    for (const line of lines.slice(1)) {
      const cells = line.split(';');
      assert.equal(cells.length, 5, line);
      const row = checkDispensationRow(
        (column) => cells[DISPENSATION_COLUMNS.indexOf(column as never)] ?? '',
        TODAY,
      );
      assert.ok(row.ok, `${line}: ${row.ok ? '' : row.error.message}`);
      assert.ok(row.date <= TODAY && row.date >= oldest, row.date);
      assert.match(cells[4] ?? '', /^\d+,\d\d$/);
      assert.ok(patients.has(row.matricule), 'the patient comes from the pool');
      seenPatients.add(row.matricule);
      if (row.reimbursed) reimbursed += 1;
    }
    assert.ok(reimbursed > 800 && reimbursed < 900, `${reimbursed} reimbursed`);
    assert.equal(seenPatients.size, 200, 'every patient of the pool appears');
  });

  it('is deterministic for a seed and honours the pool sizes', async () => {
    const options = { rows: 500, seed: 9, today: TODAY, patients: 50, pharmacies: 10 };
    await writeDispensationFile(path.join(dir, 'b1.csv'), options);
    await writeDispensationFile(path.join(dir, 'b2.csv'), options);
    await writeDispensationFile(path.join(dir, 'b3.csv'), { ...options, seed: 10 });
    const b1 = fs.readFileSync(path.join(dir, 'b1.csv'), 'utf8');
    assert.equal(fs.readFileSync(path.join(dir, 'b2.csv'), 'utf8'), b1);
    assert.notEqual(fs.readFileSync(path.join(dir, 'b3.csv'), 'utf8'), b1);
    const pharmacies = new Set(
      b1
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(';')[1]),
    );
    assert.ok(pharmacies.size <= 10);
    for (const f of pharmacies)
      assert.ok(Array.from({ length: 10 }, (_, i) => pharmacyFiness(i)).includes(f ?? ''));
  });

  it('writes only the header for 0 rows, and refuses bad options and unwritable paths', async () => {
    const file = path.join(dir, 'empty.csv');
    await writeDispensationFile(file, { rows: 0, today: TODAY });
    assert.equal(fs.readFileSync(file, 'utf8'), `${DISPENSATION_HEADER}\n`);
    await assert.rejects(writeDispensationFile(file, { rows: -1, today: TODAY }), RangeError);
    await assert.rejects(writeDispensationFile(file, { rows: 10, today: TODAY, pharmacies: 0 }), RangeError);
    await assert.rejects(
      writeDispensationFile(path.join(dir, 'missing', 'x.csv'), { rows: 10, today: TODAY }),
      /ENOENT/,
    );
  });
});
