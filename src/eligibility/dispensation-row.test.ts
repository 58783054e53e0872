import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseFiness } from '../identity/finess.ts';
import { luhnCheckDigit } from '../identity/luhn.ts';
import { nirBodyArb } from '../identity/nir.arbitrary.ts';
import { nirKey, parseNir } from '../identity/nir.ts';
import { isLocalDate } from '../time/local-date.ts';
import {
  checkDispensation,
  isPlainIsoDate,
  isPlainValidFiness,
  isPlainValidNir,
  parseDate,
} from './dispensation-row.ts';

// The fast checks must accept exactly what the full parsers accept in the plain form.
const digitString = (length: number) => fc.stringMatching(new RegExp(`^[0-9]{${length}}$`));

describe('isPlainValidNir', () => {
  const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
  const order = fc.oneof(fc.constant('000'), digitString(3));
  /** Any 13-digit body (every sex digit, month, département, order 000 often) with its right key. */
  const keyed = fc
    .tuple(digitString(1), two, two, two, digitString(3), order)
    .map((parts) => parts.join(''))
    .map((body) => body + nirKey(body));
  const validNir = nirBodyArb.filter((b) => !/[AB]/.test(b)).map((b) => b + nirKey(b));
  /** A valid NIR with one digit changed (the key, most often, no longer matches). */
  const nearlyValid = fc
    .tuple(validNir, fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 9 }))
    .map(([nir, at, d]) => nir.slice(0, at) + d + nir.slice(at + 1));

  it('agrees with parseNir on 15-digit strings', () => {
    fc.assert(
      fc.property(fc.oneof(keyed, validNir, nearlyValid, digitString(15)), (nir) => {
        assert.equal(isPlainValidNir(nir), parseNir(nir).ok, nir);
      }),
      { numRuns: 50_000 },
    );
  });

  it('leaves any other form to parseNir', () => {
    for (const nir of ['2 85 06 75 123 005 05', '182012A00412342', '2850675123005', '', '28506751230050X']) {
      assert.equal(isPlainValidNir(nir), false, nir);
    }
  });
});

describe('isPlainValidFiness', () => {
  it('agrees with parseFiness on 9-digit strings', () => {
    const valid = digitString(8).map((b) => b + luhnCheckDigit(b));
    fc.assert(
      fc.property(fc.oneof(valid, digitString(9)), (finess) => {
        assert.equal(isPlainValidFiness(finess), parseFiness(finess).ok, finess);
      }),
      { numRuns: 20_000 },
    );
    for (const finess of ['2A0000123', '75 000 001 0', '75000001', '7500000100']) {
      assert.equal(isPlainValidFiness(finess), false, finess);
    }
  });
});

describe('isPlainIsoDate', () => {
  it('agrees with isLocalDate on every month and day of many years, leap years included', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    for (const year of [0, 1, 4, 99, 100, 400, 1600, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          assert.equal(isPlainIsoDate(date), isLocalDate(date), date);
        }
      }
    }
  });

  it('refuses other shapes, which parseDate still reads', () => {
    for (const date of [
      '2026-1-01',
      '2026/01/01',
      '01/02/2026',
      '2026-01-01 ',
      '２０２６-01-01',
      '2026-01-0a',
    ]) {
      assert.equal(isPlainIsoDate(date), false, date);
    }
    assert.equal(parseDate('29/02/2024'), '2024-02-29');
    assert.equal(parseDate('29/02/2025'), null);
    assert.equal(parseDate('2024-02-29'), '2024-02-29');
  });
});

describe('checkDispensation', () => {
  const today = '2026-11-26';
  const nir = `2850675123005${nirKey('2850675123005')}`;
  const spaced = [0, 1, 3, 5, 7, 10, 13].map((at, i, all) => nir.slice(at, all[i + 1])).join(' ');
  const corsican = `182012A004123${nirKey('182012A004123')}`;

  it('reads the plain form and the other accepted forms alike', () => {
    assert.deepEqual(checkDispensation(nir, '750000010', '2026-11-03', 'O', '12,50', today), {
      ok: true,
      matricule: nir,
      finess: '750000010',
      date: '2026-11-03',
      reimbursed: true,
    });
    assert.deepEqual(checkDispensation(spaced, '75.000.001.0', '03/11/2026', 'non', '12', today), {
      ok: true,
      matricule: nir,
      finess: '750000010',
      date: '2026-11-03',
      reimbursed: false,
    });
    assert.deepEqual(
      checkDispensation(corsican.toLowerCase(), '2a0000123', '2026-11-26', 'N', '0.5', today),
      {
        ok: true,
        matricule: corsican,
        finess: '2A0000123',
        date: '2026-11-26',
        reimbursed: false,
      },
    );
  });

  it('words the errors as the full parsers do', () => {
    const code = (...fields: [string, string, string, string, string]) => {
      const row = checkDispensation(...fields, today);
      return row.ok ? 'ok' : row.error.code;
    };
    assert.equal(code(`${nir.slice(0, 13)}00`, '750000010', '2026-11-03', 'O', '1'), 'BAD_NIR');
    assert.equal(code(nir, '750000011', '2026-11-03', 'O', '1'), 'BAD_FINESS');
    assert.equal(code(nir, '750000010', '2026-02-29', 'O', '1'), 'BAD_DATE');
    assert.equal(code(nir, '750000010', '2026-11-27', 'O', '1'), 'FUTURE_DATE');
    assert.equal(code(nir, '750000010', '2026-11-03', 'X', '1'), 'BAD_REIMBURSED');
    assert.equal(code(nir, '750000010', '2026-11-03', 'O', '1,234'), 'BAD_AMOUNT');
    const badKey = `${nir.slice(0, 13)}00`;
    const row = checkDispensation(badKey, '750000010', '2026-11-03', 'O', '1', today);
    const parsed = parseNir(badKey);
    assert.ok(!row.ok && !parsed.ok);
    assert.equal(row.error.message, `NIR invalide : ${parsed.message}`);
  });
});
