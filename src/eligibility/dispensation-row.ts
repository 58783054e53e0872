import { parseFiness } from '../identity/finess.ts';
import { parseNir } from '../identity/nir.ts';
import type { RowError } from '../import/error-report.ts';
import { isLocalDate } from '../time/local-date.ts';

/**
 * One line of a dispensation file (docs/formats.md), checked. The columns:
 * `nir;finess;date_dispensation;rembourse;montant`.
 *
 * Files hold millions of rows, nearly all in the plain form (`185017511200101;750000010;
 * 2026-11-03;O;12,50`): those are recognised here by character codes, without the allocations
 * of the full parsers. Anything else — separators in a NIR, Corsican numbers, French dates, an
 * invalid value — goes to the full parsers, which decide and word the error. The fast checks
 * accept exactly what the full parsers accept in the plain form (dispensation-row.test.ts).
 */
export const DISPENSATION_COLUMNS = ['nir', 'finess', 'date_dispensation', 'rembourse', 'montant'] as const;

export type DispensationRow =
  | { ok: true; matricule: string; finess: string; date: string; reimbursed: boolean }
  | { ok: false; error: Omit<RowError, 'line'> };

const YES = new Set(['o', 'oui', 'y', 'yes', '1', 'true', 'vrai']);
const NO = new Set(['n', 'non', 'no', '0', 'false', 'faux']);
const AMOUNT = /^\d{1,9}(?:[.,]\d{1,2})?$/;
const FRENCH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

const bad = (code: string, message: string): DispensationRow => ({ ok: false, error: { code, message } });

/** `YYYY-MM-DD` or `DD/MM/YYYY` → `YYYY-MM-DD`, or null. */
export function parseDate(value: string): string | null {
  if (isPlainIsoDate(value)) return value;
  const french = FRENCH_DATE.exec(value);
  const iso = french ? `${french[3]}-${french[2]}-${french[1]}` : value;
  return isLocalDate(iso) ? iso : null;
}

/** Checks one row; `today` is `YYYY-MM-DD` (Paris). */
export function checkDispensation(
  nirField: string,
  finessField: string,
  dateField: string,
  flagField: string,
  amountField: string,
  today: string,
): DispensationRow {
  let matricule = nirField;
  if (!isPlainValidNir(nirField)) {
    const nir = parseNir(nirField);
    if (!nir.ok) return bad('BAD_NIR', `NIR invalide : ${nir.message}`);
    matricule = nir.nir.value;
  }
  let finess = finessField;
  if (!isPlainValidFiness(finessField)) {
    const parsed = parseFiness(finessField);
    if (!parsed.ok) return bad('BAD_FINESS', `FINESS invalide : ${parsed.message}`);
    finess = parsed.finess.value;
  }
  const date = parseDate(dateField);
  if (date === null)
    return bad('BAD_DATE', 'Date de dispensation invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA).');
  if (date > today) return bad('FUTURE_DATE', 'Date de dispensation dans le futur.');
  let reimbursed: boolean;
  if (flagField === 'O') reimbursed = true;
  else if (flagField === 'N') reimbursed = false;
  else {
    const flag = flagField.toLowerCase();
    if (!YES.has(flag) && !NO.has(flag))
      return bad('BAD_REIMBURSED', 'Colonne « rembourse » invalide (attendu O ou N).');
    reimbursed = YES.has(flag);
  }
  if (!AMOUNT.test(amountField))
    return bad('BAD_AMOUNT', 'Montant invalide (attendu un nombre positif, ex. 12,50).');
  return { ok: true, matricule, finess, date, reimbursed };
}

/** The same check for a record read by column name. */
export function checkDispensationRow(get: (column: string) => string, today: string): DispensationRow {
  return checkDispensation(
    get('nir'),
    get('finess'),
    get('date_dispensation'),
    get('rembourse'),
    get('montant'),
    today,
  );
}

const CODE_0 = 48;

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
 * invalid: parseNir decides.
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

/** True for a FINESS of exactly 9 ASCII digits with a valid Luhn key; false: parseFiness decides. */
export function isPlainValidFiness(value: string): boolean {
  if (value.length !== 9) return false;
  let sum = 0;
  for (let i = 8, double = false; i >= 0; i--, double = !double) {
    let d = value.charCodeAt(i) - CODE_0;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const DASH = 45;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for a `YYYY-MM-DD` that exists, as isLocalDate says, without building a Date. */
export function isPlainIsoDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  if (day <= (DAYS_IN_MONTH[month] as number)) return true;
  // 29 February. isLocalDate uses Date.UTC, which reads years 0–99 as 1900–1999.
  const y = year < 100 ? year + 1900 : year;
  return month === 2 && day === 29 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}
