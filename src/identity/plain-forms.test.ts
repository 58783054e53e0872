import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isPlainValidFiness, parseFiness } from './finess.ts';
import { luhnCheckDigit } from './luhn.ts';
import { nirBodyArb } from './nir.arbitrary.ts';
import { isPlainValidNir, nirKey, parseNir } from './nir.ts';

// The allocation-free checks for bulk imports must accept exactly what the full parsers accept
// in the plain form.
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
