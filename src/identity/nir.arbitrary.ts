/**
 * Test support only (imports the fast-check dev dependency): generators of valid NIR bodies
 * covering every birthplace shape and the month pseudo-values. Never import from production code.
 */

import fc from 'fast-check';

const padded = (min: number, max: number, width: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));

export const nirSexArb = fc.constantFrom('1', '2');

/** 01–12 and the pseudo-values 20, 30–42, 50–99. */
export const nirMonthArb = fc.oneof(
  padded(1, 12, 2),
  fc.constant('20'),
  padded(30, 42, 2),
  padded(50, 99, 2),
);

/** Département + commune/country: always 5 characters (characters 6 to 10 of the NIR). */
export const nirBirthplaceArb = fc.oneof(
  fc
    .tuple(
      padded(1, 95, 2).filter((d) => d !== '20'),
      padded(0, 999, 3),
    )
    .map(([d, c]) => d + c),
  fc.tuple(fc.constantFrom('2A', '2B'), padded(0, 999, 3)).map(([d, c]) => d + c),
  fc.tuple(fc.constantFrom('97', '98'), padded(0, 9, 1), padded(0, 99, 2)).map(([d, x, c]) => d + x + c),
  padded(0, 999, 3).map((country) => `99${country}`),
);

/** A valid 13-character body (no key). */
export const nirBodyArb = fc
  .tuple(nirSexArb, padded(0, 99, 2), nirMonthArb, nirBirthplaceArb, padded(1, 999, 3))
  .map((parts) => parts.join(''));
