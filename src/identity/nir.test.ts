import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNir, type Nir, type NirInvalidReason, nirKey, normalizeNir, parseNir } from './nir.ts';

/*
 * Fixtures: keys computed with an independent Python script (97 - int(body with 2A→19, 2B→18) % 97)
 * and cross-checked against shell arithmetic; the starred ones were also checked by hand with a
 * digit-by-digit long division by 97 (running remainders listed):
 *   * 1750375123005 (domain.md worked example): N mod 97 = 85 → key 12.
 *   * 182012A004123 → 1820119004123: 1 18 85 74 62 39 11 13 33 43 43 44 55 → key 97−55 = 42.
 *   * 270042B033045 → 2700418033045: 2 27 76 81 38 90 35 59 11 16 63 52 40 → key 57.
 *   * 2850197112345 (dept 971): 2 28 91 37 80 33 46 73 52 37 82 48 0 → key 97 (the top of the range).
 *   * 1930699134056 (dept 99): 1 19 96 87 3 39 11 14 46 76 81 39 8 → key 89.
 *   * 1750375123016 = worked example + 11 → remainder 96 → key 01 (leading zero).
 */
type Fields = Omit<Nir, 'value' | 'body' | 'key'>;
// biome-ignore format: one fixture per row reads better
const VALID: ReadonlyArray<readonly [string, string, Fields]> = [
  ['metropole (worked example)', '175037512300512', {
    sex: 'M', birthYear: '75', birthMonth: '03', birthMonthKnown: true,
    departement: '75', commune: '123', country: null, order: '005', place: 'metropole' }],
  ['key with a leading zero', '175037512301601', {
    sex: 'M', birthYear: '75', birthMonth: '03', birthMonthKnown: true,
    departement: '75', commune: '123', country: null, order: '016', place: 'metropole' }],
  ['Corse-du-Sud 2A', '182012A00412342', {
    sex: 'M', birthYear: '82', birthMonth: '01', birthMonthKnown: true,
    departement: '2A', commune: '004', country: null, order: '123', place: 'corse' }],
  ['Haute-Corse 2B', '270042B03304557', {
    sex: 'F', birthYear: '70', birthMonth: '04', birthMonthKnown: true,
    departement: '2B', commune: '033', country: null, order: '045', place: 'corse' }],
  ['overseas 971, key 97', '285019711234597', {
    sex: 'F', birthYear: '85', birthMonth: '01', birthMonthKnown: true,
    departement: '971', commune: '12', country: null, order: '345', place: 'outre-mer' }],
  ['overseas 974', '190059741101259', {
    sex: 'M', birthYear: '90', birthMonth: '05', birthMonthKnown: true,
    departement: '974', commune: '11', country: null, order: '012', place: 'outre-mer' }],
  ['overseas 988', '295129881234596', {
    sex: 'F', birthYear: '95', birthMonth: '12', birthMonthKnown: true,
    departement: '988', commune: '12', country: null, order: '345', place: 'outre-mer' }],
  ['born abroad (99, country 134)', '193069913405689', {
    sex: 'M', birthYear: '93', birthMonth: '06', birthMonthKnown: true,
    departement: '99', commune: null, country: '134', order: '056', place: 'etranger' }],
  ['pseudo month 20', '155203512345650', {
    sex: 'M', birthYear: '55', birthMonth: '20', birthMonthKnown: false,
    departement: '35', commune: '123', country: null, order: '456', place: 'metropole' }],
  ['pseudo month 30', '101300100100132', {
    sex: 'M', birthYear: '01', birthMonth: '30', birthMonthKnown: false,
    departement: '01', commune: '001', country: null, order: '001', place: 'metropole' }],
  ['pseudo month 42', '260421305510189', {
    sex: 'F', birthYear: '60', birthMonth: '42', birthMonthKnown: false,
    departement: '13', commune: '055', country: null, order: '101', place: 'metropole' }],
  ['pseudo month 50, abroad', '101509900100233', {
    sex: 'M', birthYear: '01', birthMonth: '50', birthMonthKnown: false,
    departement: '99', commune: null, country: '001', order: '002', place: 'etranger' }],
  ['pseudo month 99', '288990123456734', {
    sex: 'F', birthYear: '88', birthMonth: '99', birthMonthKnown: false,
    departement: '01', commune: '234', country: null, order: '567', place: 'metropole' }],
  ['month 12, département 95', '266129599999987', {
    sex: 'F', birthYear: '66', birthMonth: '12', birthMonthKnown: true,
    departement: '95', commune: '999', country: null, order: '999', place: 'metropole' }],
];

describe('parseNir: valid numbers', () => {
  for (const [name, value, fields] of VALID) {
    it(`${name}: ${value}`, () => {
      const result = parseNir(value);
      assert.deepEqual(result, {
        ok: true,
        nir: { value, body: value.slice(0, 13), key: value.slice(13), ...fields },
      });
    });
  }
});

describe('normalizeNir / parseNir: normalisation', () => {
  const cases = [
    ['1 75 03 75 123 005 12', '175037512300512'],
    ['1.75.03.75.123.005.12', '175037512300512'],
    ['\t1 75\t03 75 123 005 12 \n', '175037512300512'],
    ['1\u00a075\u202f03 75 123 005 12', '175037512300512'], // no-break and narrow no-break spaces
    ['1 82 01 2a 004 123 42', '182012A00412342'],
    ['2 70 04 2b 033 045 57', '270042B03304557'],
  ] as const;
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(normalizeNir(input), expected);
      const result = parseNir(input);
      assert.ok(result.ok);
      assert.equal(result.nir.value, expected);
    });
  }
});

const INVALID: ReadonlyArray<readonly [string, NirInvalidReason, string]> = [
  ['', 'EMPTY', 'empty'],
  ['  . \t', 'EMPTY', 'only separators'],
  ['7112345678901', 'TEMPORARY_NUMBER', 'NNP 71…'],
  ['8212345678901', 'TEMPORARY_NUMBER', 'NNP 82…'],
  ['5112345678901', 'TEMPORARY_NUMBER', 'MIG 51…'],
  ['6 2 12 34 567 890 1', 'TEMPORARY_NUMBER', 'MIG 62… with spaces'],
  ['1750375123005', 'MISSING_KEY', 'worked-example body without its key'],
  ['7512345678901', 'MISSING_KEY', '13 characters, 7 then 5: not a temporary pattern'],
  ['1', 'BAD_LENGTH', '1 character'],
  ['17503751230051', 'BAD_LENGTH', '14 characters'],
  ['1750375123005120', 'BAD_LENGTH', '16 characters'],
  ['17503751230051X', 'BAD_CHARACTERS', 'letter X'],
  ['1-75-03-75-123-005-12', 'BAD_CHARACTERS', 'hyphens are not separators'],
  ['１７５０３７５１２３００５１２', 'BAD_CHARACTERS', 'full-width digits'],
  ['17503A512300512', 'BAD_CHARACTERS', 'A in the first département position'],
  ['1750375123005B2', 'BAD_CHARACTERS', 'B in the key'],
  ['182012A0A412342', 'BAD_CHARACTERS', 'a second letter in the commune'],
  ['375037512300509', 'BAD_SEX', 'sex 3 (correct key)'],
  ['075037512300562', 'BAD_SEX', 'sex 0 (correct key)'],
  ['775037512300503', 'BAD_SEX', '15-character number starting with 7 (correct key)'],
  ['815037512300580', 'BAD_SEX', '15-character number starting with 8 (correct key)'],
  ['175007512300561', 'BAD_MONTH', 'month 00 (correct key)'],
  ['175137512300575', 'BAD_MONTH', 'month 13 (correct key)'],
  ['175197512300574', 'BAD_MONTH', 'month 19 (correct key)'],
  ['175217512300509', 'BAD_MONTH', 'month 21 (correct key)'],
  ['175297512300540', 'BAD_MONTH', 'month 29 (correct key)'],
  ['175437512300570', 'BAD_MONTH', 'month 43 (correct key)'],
  ['175497512300569', 'BAD_MONTH', 'month 49 (correct key)'],
  ['175030012300597', 'BAD_DEPARTEMENT', 'département 00 (correct key)'],
  ['175032012300542', 'BAD_DEPARTEMENT', 'département 20 (correct key)'],
  ['175039612300527', 'BAD_DEPARTEMENT', 'département 96 (correct key)'],
  ['175031A12300512', 'BAD_DEPARTEMENT', '1A'],
  ['175033B12300512', 'BAD_DEPARTEMENT', '3B'],
  ['175037512300017', 'BAD_ORDER', 'order 000 (correct key)'],
  ['182012A00400068', 'BAD_ORDER', 'order 000 in Corsica (correct key)'],
  ['175037512300513', 'BAD_KEY', 'key off by one'],
  ['175037512300521', 'BAD_KEY', 'key digits swapped'],
  ['175037512300500', 'BAD_KEY', 'key 00'],
  ['175037512300598', 'BAD_KEY', 'key 98'],
  ['175037512300599', 'BAD_KEY', 'key 99'],
  ['182012B00412342', 'BAD_KEY', '2A key on a 2B number'],
  ['175073512300512', 'BAD_KEY', 'month and département swapped'],
];

describe('parseNir: invalid numbers', () => {
  for (const [input, reason, why] of INVALID) {
    it(`${reason}: ${why}`, () => {
      const result = parseNir(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, reason);
      assert.match(result.message, /^[A-ZÀ-Ý].{10,}\.$/u, 'a French sentence');
      const normalized = normalizeNir(input);
      if (normalized.length >= 4) assert.ok(!result.message.includes(normalized), 'never echoes the number');
    });
  }

  it('says why 15 characters are expected', () => {
    assert.deepEqual(parseNir('17503751230051'), {
      ok: false,
      reason: 'BAD_LENGTH',
      message: 'Le NIR doit comporter 15 caractères (13 + clé).',
    });
  });

  it('does not reveal the expected key', () => {
    const result = parseNir('175037512300513');
    assert.ok(!result.ok);
    assert.ok(!result.message.includes('12'));
    assert.match(result.message, /clé ne correspond pas/);
  });

  it('points to 2A/2B when the département is 20', () => {
    const result = parseNir('175032012300542');
    assert.ok(!result.ok);
    assert.match(result.message, /2A ou 2B/);
  });
});

describe('nirKey', () => {
  it('computes the worked example and the hand-checked fixtures', () => {
    assert.equal(nirKey('1750375123005'), '12');
    assert.equal(nirKey('182012A004123'), '42');
    assert.equal(nirKey('270042B033045'), '57');
    assert.equal(nirKey('2850197112345'), '97');
    assert.equal(nirKey('1930699134056'), '89');
    assert.equal(nirKey('1750375123016'), '01');
  });

  it('reads 2A as 19 and 2B as 18, only in the département position', () => {
    assert.equal(nirKey('182012A004123'), nirKey('1820119004123'));
    assert.equal(nirKey('270042B033045'), nirKey('2700418033045'));
    assert.notEqual(nirKey('182012A004123'), nirKey('182012B004123'));
  });

  it('accepts separators and lower case', () => {
    assert.equal(nirKey('1 82 01 2a 004 123'), '42');
  });

  it('throws a RangeError on anything but a 13-character body', () => {
    for (const bad of [
      '',
      '175037512300',
      '17503751230051',
      '17503A5123005',
      '1750375123A05',
      '18201 2C 004123',
    ]) {
      assert.throws(() => nirKey(bad), RangeError, bad);
    }
  });
});

describe('formatNir', () => {
  const cases = [
    ['175037512300512', '1 75 03 75 123 005 12'],
    ['182012A00412342', '1 82 01 2A 004 123 42'],
    ['285019711234597', '2 85 01 971 12 345 97'],
    ['193069913405689', '1 93 06 99 134 056 89'],
  ] as const;
  for (const [value, display] of cases) {
    it(`${value} → ${display}`, () => {
      const result = parseNir(value);
      assert.ok(result.ok);
      assert.equal(formatNir(result.nir), display);
    });
  }
});
