/**
 * Luhn (mod 10) check digit, as used by FINESS and RPPS numbers.
 *
 * From the rightmost digit leftwards, every second digit is doubled (9 is subtracted when the
 * double exceeds 9) and all digits are summed; a number is valid when the sum is a multiple of 10.
 * The check then catches every single-digit error and most swaps of adjacent digits.
 */

const DIGITS = /^[0-9]+$/;

/** Sum of the Luhn weights; `doubleFirst` tells whether the rightmost digit is doubled. */
function luhnSum(digits: string, doubleFirst: boolean): number {
  let sum = 0;
  let double = doubleFirst;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}

/**
 * True when `digits` is only ASCII digits, has at least two of them (a body and a check digit)
 * and satisfies the Luhn rule.
 */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2 || !DIGITS.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The digit to append to `body` so that the whole number satisfies the Luhn rule. */
export function luhnCheckDigit(body: string): string {
  if (!DIGITS.test(body)) {
    throw new RangeError('luhnCheckDigit: the body must be a non-empty string of ASCII digits');
  }
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}
