/**
 * NIR / matricule INS: the 15-character French social security number that identifies a
 * patient (and, followed by `@patient.mssante.fr`, names their secure mailbox).
 *
 * Layout `S YY MM DD CCC OOO KK`: sex, year and month of birth, département of birth, commune
 * (or country code when the département is 99), order number, key. Overseas départements
 * (`97x`, `98x`) take three characters and leave two to the commune.
 *
 * Strict on length, alphabet and key; lenient on the month (pseudo-values exist for incomplete
 * civil status). NIR and NIA share this shape: only the assigning authority OID tells them apart
 * (see `national-id.ts`). Messages are French and never repeat the number itself, so they may be
 * logged or shown without leaking it.
 */

export const NIR_LENGTH = 15;
export const NIR_BODY_LENGTH = 13;

export type NirSex = 'M' | 'F';
export type NirPlace = 'metropole' | 'corse' | 'outre-mer' | 'etranger';

export interface Nir {
  /** Normalised 15 characters: digits, `2A`/`2B` in the département position. */
  readonly value: string;
  /** The first 13 characters. */
  readonly body: string;
  /** The last 2 digits, `01`–`97`. */
  readonly key: string;
  readonly sex: NirSex;
  /** Two digits; the century is not part of the number. */
  readonly birthYear: string;
  /** Two digits; `01`–`12`, or a pseudo-value (20, 30–42, 50–99) when the month is unknown. */
  readonly birthMonth: string;
  readonly birthMonthKnown: boolean;
  /** `01`–`95` (not 20), `2A`, `2B`, `97x`, `98x` or `99`. */
  readonly departement: string;
  /** INSEE commune code within the département (2 digits overseas); null when born abroad. */
  readonly commune: string | null;
  /** 3-digit INSEE country code when the département is `99`; null otherwise. */
  readonly country: string | null;
  readonly order: string;
  readonly place: NirPlace;
}

export type NirInvalidReason =
  | 'EMPTY'
  | 'TEMPORARY_NUMBER'
  | 'MISSING_KEY'
  | 'BAD_LENGTH'
  | 'BAD_CHARACTERS'
  | 'BAD_SEX'
  | 'BAD_MONTH'
  | 'BAD_DEPARTEMENT'
  | 'BAD_ORDER'
  | 'BAD_KEY';

export type NirResult =
  | { readonly ok: true; readonly nir: Nir }
  | { readonly ok: false; readonly reason: NirInvalidReason; readonly message: string };

/** Spaces (including no-break spaces), tabs, line breaks and dots are separators, not content. */
const SEPARATORS = /[\s.]/g;
const ALPHABET = /^[0-9AB]+$/;
const BODY_SHAPE = /^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}$/;
/** NNP (`7x`/`8x`) and MIG (`5x`/`6x`) temporary numbers: 13 characters, no key. */
const TEMPORARY = /^[5-8][12]/;
/** Index of the second character of the département, the only place a letter may appear. */
const CORSICA_LETTER_INDEX = 6;

/** Strips separators and upper-cases (`2a` → `2A`); does not validate. */
export function normalizeNir(input: string): string {
  return input.replace(SEPARATORS, '').toUpperCase();
}

/**
 * The two-digit key of a 13-character body: 97 − (N mod 97), where N is the body read as a
 * number after replacing the Corsican département `2A` by 19 and `2B` by 18.
 * Throws a RangeError when `body13` does not have the body shape (a caller bug: parse first).
 */
export function nirKey(body13: string): string {
  const body = normalizeNir(body13);
  if (!BODY_SHAPE.test(body)) {
    throw new RangeError('nirKey: expected 13 digits, with 2A or 2B allowed only as the département');
  }
  return keyOfBody(body);
}

const KEYS = Array.from({ length: 98 }, (_, i) => String(i).padStart(2, '0'));
const CODE_0 = 48;
const CODE_A = 65;
const CODE_B = 66;

/**
 * The key of a body already known to have the body shape. N < 10^13 < 2^53: plain Number
 * arithmetic is exact, no BigInt needed.
 */
function keyOfBody(body: string): string {
  let n = 0;
  for (let i = 0; i < NIR_BODY_LENGTH; i++) {
    const c = body.charCodeAt(i);
    // A letter can only follow the département's `2`: 2A reads 19 and 2B reads 18, so the `2`
    // already counted as the tens digit loses 1.
    if (c === CODE_A) n = n * 10 - 10 + 9;
    else if (c === CODE_B) n = n * 10 - 10 + 8;
    else n = n * 10 + (c - CODE_0);
  }
  return KEYS[97 - (n % 97)] as string;
}

function fail(reason: NirInvalidReason, message: string): NirResult {
  return { ok: false, reason, message };
}

function monthKind(month: string): 'known' | 'pseudo' | 'invalid' {
  const m = Number(month);
  if (m >= 1 && m <= 12) return 'known';
  if (m === 20 || (m >= 30 && m <= 42) || m >= 50) return 'pseudo';
  return 'invalid';
}

interface Place {
  readonly place: NirPlace;
  readonly departement: string;
  readonly commune: string | null;
  readonly country: string | null;
}

/** Splits the birthplace (characters 6 to 10); null when the département is not valid. */
function birthplace(value: string): Place | null {
  const d = value.slice(5, 7);
  if (d === '2A' || d === '2B') {
    return { place: 'corse', departement: d, commune: value.slice(7, 10), country: null };
  }
  if (d === '97' || d === '98') {
    return { place: 'outre-mer', departement: value.slice(5, 8), commune: value.slice(8, 10), country: null };
  }
  if (d === '99') return { place: 'etranger', departement: d, commune: null, country: value.slice(7, 10) };
  const n = Number(d);
  if (n < 1 || n > 95 || n === 20) return null;
  return { place: 'metropole', departement: d, commune: value.slice(7, 10), country: null };
}

export function parseNir(input: string): NirResult {
  const value = normalizeNir(input);
  if (value === '') return fail('EMPTY', "Le NIR n'est pas renseigné.");
  if (!ALPHABET.test(value)) {
    return fail(
      'BAD_CHARACTERS',
      'Le NIR ne doit contenir que des chiffres (et 2A ou 2B pour un département de Corse).',
    );
  }
  if (value.length === NIR_BODY_LENGTH) {
    if (TEMPORARY.test(value)) {
      return fail(
        'TEMPORARY_NUMBER',
        'Ce numéro de 13 caractères est un numéro provisoire (NNP ou MIG) : ' +
          "il ne peut pas servir de matricule INS ni d'adresse de messagerie.",
      );
    }
    return fail('MISSING_KEY', "Le numéro n'a pas de clé : saisissez les 15 caractères (13 + clé).");
  }
  if (value.length !== NIR_LENGTH)
    return fail('BAD_LENGTH', 'Le NIR doit comporter 15 caractères (13 + clé).');

  const letter = value.search(/[AB]/);
  if (letter !== -1) {
    if (letter !== CORSICA_LETTER_INDEX || value.slice(CORSICA_LETTER_INDEX + 1).search(/[AB]/) !== -1) {
      return fail(
        'BAD_CHARACTERS',
        'Les lettres A et B ne sont admises que dans le département de naissance (2A, 2B).',
      );
    }
    if (value[CORSICA_LETTER_INDEX - 1] !== '2') {
      return fail('BAD_DEPARTEMENT', "Le département de naissance n'est pas valide (Corse : 2A ou 2B).");
    }
  }

  const sexDigit = value[0];
  if (sexDigit !== '1' && sexDigit !== '2') {
    return fail('BAD_SEX', 'Le premier chiffre (sexe) doit être 1 ou 2 pour un matricule INS.');
  }
  const birthMonth = value.slice(3, 5);
  const month = monthKind(birthMonth);
  if (month === 'invalid')
    return fail('BAD_MONTH', "Le mois de naissance (4e et 5e chiffres) n'est pas valide.");

  const where = birthplace(value);
  if (where === null) {
    const message =
      value.slice(5, 7) === '20'
        ? "Le département 20 n'existe pas dans le NIR : la Corse s'écrit 2A ou 2B."
        : "Le département de naissance (6e et 7e caractères) n'est pas valide.";
    return fail('BAD_DEPARTEMENT', message);
  }

  const order = value.slice(10, 13);
  if (order === '000') return fail('BAD_ORDER', "Le numéro d'ordre (000) n'est pas valide.");

  const body = value.slice(0, NIR_BODY_LENGTH);
  const key = value.slice(NIR_BODY_LENGTH);
  const keyNumber = Number(key);
  if (keyNumber < 1 || keyNumber > 97) return fail('BAD_KEY', 'La clé doit être comprise entre 01 et 97.');
  if (keyOfBody(body) !== key) {
    return fail('BAD_KEY', 'La clé ne correspond pas au numéro : vérifiez chacun des 15 caractères.');
  }

  return {
    ok: true,
    nir: {
      value,
      body,
      key,
      sex: sexDigit === '1' ? 'M' : 'F',
      birthYear: value.slice(1, 3),
      birthMonth,
      birthMonthKnown: month === 'known',
      departement: where.departement,
      commune: where.commune,
      country: where.country,
      order,
      place: where.place,
    },
  };
}

/** Display form with spaces between fields: `1 75 03 75 123 005 12`, `2 85 12 971 23 456 78`. */
export function formatNir(nir: Nir): string {
  const v = nir.value;
  const placeEnd = nir.place === 'outre-mer' ? 8 : 7;
  return [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, placeEnd), v.slice(placeEnd, 10)]
    .concat([nir.order, nir.key])
    .join(' ');
}

/** The number written by `value[from, to)` when it is only ASCII digits, else -1. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - CODE_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * True for a NIR of exactly 15 ASCII digits that parseNir accepts (sex 1 or 2, month known or
 * pseudo, département 01–95 but 20 or 97/98/99, order ≠ 000, key). False does not mean
 * invalid: parseNir decides. For bulk imports, where nearly every value has this plain form: the
 * same rules as parseNir without its allocations (nir.property.test.ts proves they agree).
 * Change a rule here and in parseNir together.
 */
export function isPlainValidNir(value: string): boolean {
  if (value.length !== 15) return false;
  const body = digits(value, 0, 13);
  const key = digits(value, 13, 15);
  if (body < 0 || key < 1 || key > 97) return false;
  const sex = value.charCodeAt(0) - CODE_0;
  if (sex !== 1 && sex !== 2) return false;
  const month = digits(value, 3, 5);
  if (month === 0 || (month > 12 && month < 20) || (month > 20 && month < 30) || (month > 42 && month < 50))
    return false;
  const departement = digits(value, 5, 7);
  if (departement === 0 || departement === 20 || departement === 96) return false;
  if (digits(value, 10, 13) === 0) return false;
  // body < 10^13 < 2^53: exact.
  return key === 97 - (body % 97);
}
