import { isPlainValidFiness, parseFiness } from '../identity/finess.ts';
import { isPlainValidNir, parseNir } from '../identity/nir.ts';
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
  if (isLocalDate(value)) return value;
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
