import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nirKey, parseNir } from '../identity/nir.ts';
import { checkDispensation, parseDate } from './dispensation-row.ts';

describe('parseDate', () => {
  it('reads ISO and French dates that exist', () => {
    assert.equal(parseDate('29/02/2024'), '2024-02-29');
    assert.equal(parseDate('29/02/2025'), null);
    assert.equal(parseDate('2024-02-29'), '2024-02-29');
    assert.equal(parseDate('2026/01/01'), null);
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
