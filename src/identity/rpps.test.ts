import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { luhnCheckDigit } from './luhn.ts';
import { parseRpps, type RppsInvalidReason } from './rpps.ts';

// Computed with an independent Python Luhn implementation; the first two checked by hand:
// 10000000009: 9 + 1 = 10 (the guess 10000000007 sums to 8 and is invalid).
// 10001234565: 5 + (6×2 → 3) + 5 + (4×2) + 3 + (2×2) + 1 + 0 + 0 + 0 + 1 = 30.
describe('parseRpps: valid numbers', () => {
  const cases = [
    ['10000000009', '10000000009'],
    ['10001234565', '10001234565'],
    ['10100827954', '10100827954'],
    ['10999999997', '10999999997'],
    ['100 0123 4565', '10001234565'],
    ['\t1.00.01.23.45.65\n', '10001234565'],
  ] as const;
  for (const [input, value] of cases) {
    it(`${JSON.stringify(input)} → ${value}`, () => {
      assert.deepEqual(parseRpps(input), { ok: true, rpps: { value, key: value.slice(-1) } });
    });
  }
});

describe('parseRpps: invalid numbers', () => {
  const cases: ReadonlyArray<readonly [string, RppsInvalidReason, string]> = [
    ['', 'EMPTY', 'empty'],
    ['   ', 'EMPTY', 'only spaces'],
    ['10000000007', 'BAD_KEY', 'wrong key'],
    ['10001234566', 'BAD_KEY', 'last digit changed'],
    ['10001243565', 'BAD_KEY', 'adjacent digits swapped'],
    ['1000000000', 'BAD_LENGTH', '10 digits'],
    ['100000000090', 'BAD_LENGTH', '12 digits'],
    ['1000000000A', 'BAD_CHARACTERS', 'letter'],
    ['10001-234565', 'BAD_CHARACTERS', 'hyphen'],
  ];
  for (const [input, reason, why] of cases) {
    it(`${reason}: ${why}`, () => {
      const result = parseRpps(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, reason);
      assert.match(result.message, /^[A-ZÀ-Ý].{10,}\.$/u);
    });
  }
});

describe('RPPS properties', () => {
  const validRpps = fc.stringMatching(/^[0-9]{10}$/).map((body) => body + luhnCheckDigit(body));

  it('every 10-digit body with its Luhn digit is accepted', () => {
    fc.assert(
      fc.property(validRpps, (value) => {
        const result = parseRpps(value);
        assert.ok(result.ok);
        assert.equal(result.rpps.value, value);
      }),
    );
  });

  it('any single-digit change of a valid number is rejected with BAD_KEY', () => {
    const mutation = fc.tuple(validRpps, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }));
    fc.assert(
      fc.property(mutation, ([value, position, delta]) => {
        const digit = String((Number(value[position]) + delta) % 10);
        const changed = value.slice(0, position) + digit + value.slice(position + 1);
        const result = parseRpps(changed);
        assert.equal(result.ok, false, `${value} → ${changed} accepted`);
        assert.equal(result.reason, 'BAD_KEY');
      }),
    );
  });
});
