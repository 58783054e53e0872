import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { luhnCheckDigit, luhnValid } from './luhn.ts';

// Fixtures checked by hand (digit sums written out) and with an independent Python implementation.
// 010000016: 6 + (1×2) + 0… + (1×2) = 10. 010780195: 5 + 9 + 1 + 0 + 8 + 5 + 0 + 2 + 0 = 30.
// 79927398713: the classic example of the Luhn formula. 10001234565: 5+3+5+8+3+4+1+0+0+0+1 = 30.
describe('luhnValid', () => {
  for (const valid of ['010000016', '010780195', '79927398713', '10000000009', '10001234565', '00']) {
    it(`accepts ${valid}`, () => assert.equal(luhnValid(valid), true));
  }
  for (const [input, why] of [
    ['010000017', 'last digit changed'],
    ['010000061', 'last two digits swapped'],
    ['10000000007', 'wrong key'],
    ['', 'empty'],
    ['0', 'a single digit has no body'],
    ['0100 00016', 'a space is not a digit'],
    ['01000001a', 'letter'],
    ['٠١٠٠٠٠٠١٦', 'non-ASCII digits'],
  ] as const) {
    it(`rejects ${JSON.stringify(input)} (${why})`, () => assert.equal(luhnValid(input), false));
  }
});

describe('luhnCheckDigit', () => {
  it('computes the digit that completes known numbers', () => {
    assert.equal(luhnCheckDigit('01000001'), '6');
    assert.equal(luhnCheckDigit('01078019'), '5');
    assert.equal(luhnCheckDigit('7992739871'), '3');
    assert.equal(luhnCheckDigit('1000000000'), '9');
    assert.equal(luhnCheckDigit('0'), '0');
  });

  it('throws a RangeError on anything but ASCII digits', () => {
    assert.throws(() => luhnCheckDigit(''), RangeError);
    assert.throws(() => luhnCheckDigit('12a'), RangeError);
    assert.throws(() => luhnCheckDigit('12 3'), RangeError);
  });

  it('property: body + check digit is valid, and it is the only digit that is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,20}$/), (body) => {
        const check = luhnCheckDigit(body);
        const accepted = '0123456789'.split('').filter((d) => luhnValid(body + d));
        assert.deepEqual(accepted, [check]);
      }),
    );
  });

  it('property: any single-digit change of a valid number is detected', () => {
    const changed = fc
      .tuple(fc.stringMatching(/^[0-9]{1,20}$/), fc.nat(), fc.integer({ min: 1, max: 9 }))
      .map(([body, pos, delta]) => {
        const valid = body + luhnCheckDigit(body);
        const i = pos % valid.length;
        const digit = String((Number(valid[i]) + delta) % 10);
        return valid.slice(0, i) + digit + valid.slice(i + 1);
      });
    fc.assert(fc.property(changed, (number) => assert.equal(luhnValid(number), false)));
  });
});
