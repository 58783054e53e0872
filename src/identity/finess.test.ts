import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FINESS_CORSICA_WARNING, type FinessInvalidReason, normalizeFiness, parseFiness } from './finess.ts';
import { luhnCheckDigit } from './luhn.ts';

// 010000016 and 010780195 are real numbers quoted in domain.md (Luhn sums 10 and 30, checked by
// hand). 750000010 and 971000005 were computed with an independent Python Luhn implementation;
// 971000005 by hand: 5 + 1 + (7×2 → 5) + 9 = 20.
describe('parseFiness: valid numbers', () => {
  const cases = [
    ['010000016', '010000016', '01'],
    ['010780195', '010780195', '01'],
    ['750000010', '750000010', '75'],
    ['971000005', '971000005', '971'],
    ['01 000 001 6', '010000016', '01'],
    ['\t01.00.00.01.6 ', '010000016', '01'],
  ] as const;
  for (const [input, value, departement] of cases) {
    it(`${JSON.stringify(input)} → ${value} (département ${departement})`, () => {
      assert.deepEqual(parseFiness(input), {
        ok: true,
        finess: { value, departement, keyChecked: true, warnings: [] },
      });
    });
  }

  it('accepts Corsican numbers without checking the key, with a French warning', () => {
    for (const [input, value, departement] of [
      ['2A0000123', '2A0000123', '2A'],
      ['2b 000 012 4', '2B0000124', '2B'],
    ] as const) {
      assert.deepEqual(parseFiness(input), {
        ok: true,
        finess: { value, departement, keyChecked: false, warnings: [FINESS_CORSICA_WARNING] },
      });
    }
    assert.equal(FINESS_CORSICA_WARNING, 'Clé non vérifiée pour les numéros FINESS de Corse.');
  });

  it('normalizeFiness strips separators and upper-cases', () => {
    assert.equal(normalizeFiness(' 2a 000.0123 '), '2A0000123');
  });
});

describe('parseFiness: invalid numbers', () => {
  const cases: ReadonlyArray<readonly [string, FinessInvalidReason, string]> = [
    ['', 'EMPTY', 'empty'],
    [' . ', 'EMPTY', 'only separators'],
    ['010000017', 'BAD_KEY', '010000016 with the last digit changed'],
    ['010780196', 'BAD_KEY', '010780195 with the last digit changed'],
    ['100000016', 'BAD_KEY', '010000016 with the first two digits swapped'],
    ['01000001', 'BAD_LENGTH', '8 digits'],
    ['0100000160', 'BAD_LENGTH', '10 digits'],
    ['01000001X', 'BAD_CHARACTERS', 'letter X'],
    ['01-000-001-6', 'BAD_CHARACTERS', 'hyphens'],
    ['0A0000016', 'BAD_CHARACTERS', 'A not after 2'],
    ['20A000016', 'BAD_CHARACTERS', 'A in the third position'],
    ['2C0000123', 'BAD_CHARACTERS', '2C'],
    ['2AB000123', 'BAD_CHARACTERS', 'two letters'],
  ];
  for (const [input, reason, why] of cases) {
    it(`${reason}: ${why}`, () => {
      const result = parseFiness(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, reason);
      assert.match(result.message, /^[A-ZÀ-Ý].{10,}\.$/u);
    });
  }
});

describe('FINESS properties', () => {
  const validFiness = fc.stringMatching(/^[0-9]{8}$/).map((body) => body + luhnCheckDigit(body));

  it('every all-digit number with its Luhn digit is accepted and its key checked', () => {
    fc.assert(
      fc.property(validFiness, (value) => {
        const result = parseFiness(value);
        assert.ok(result.ok);
        assert.equal(result.finess.keyChecked, true);
        assert.equal(result.finess.departement, value.slice(0, /^9[78]/.test(value) ? 3 : 2));
      }),
    );
  });

  it('any single-digit change of a valid number is rejected with BAD_KEY', () => {
    const mutation = fc.tuple(validFiness, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }));
    fc.assert(
      fc.property(mutation, ([value, position, delta]) => {
        const digit = String((Number(value[position]) + delta) % 10);
        const changed = value.slice(0, position) + digit + value.slice(position + 1);
        const result = parseFiness(changed);
        assert.equal(result.ok, false, `${value} → ${changed} accepted`);
        assert.equal(result.reason, 'BAD_KEY');
      }),
    );
  });
});
