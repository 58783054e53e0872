import { parseFiness } from '../identity/finess.ts';
import { parseNir } from '../identity/nir.ts';
import type { RowError } from '../import/error-report.ts';
import { isLocalDate } from '../time/local-date.ts';

/**
 * One line of a dispensation file (docs/formats.md), checked. The columns:
 * `nir;finess;date_dispensation;rembourse;montant`.
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
  const french = FRENCH_DATE.exec(value);
  const iso = french ? `${french[3]}-${french[2]}-${french[1]}` : value;
  return isLocalDate(iso) ? iso : null;
}

export function checkDispensationRow(get: (column: string) => string, today: string): DispensationRow {
  const nir = parseNir(get('nir'));
  if (!nir.ok) return bad('BAD_NIR', `NIR invalide : ${nir.message}`);
  const finess = parseFiness(get('finess'));
  if (!finess.ok) return bad('BAD_FINESS', `FINESS invalide : ${finess.message}`);
  const date = parseDate(get('date_dispensation'));
  if (date === null)
    return bad('BAD_DATE', 'Date de dispensation invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA).');
  if (date > today) return bad('FUTURE_DATE', 'Date de dispensation dans le futur.');
  const flag = get('rembourse').toLowerCase();
  if (!YES.has(flag) && !NO.has(flag))
    return bad('BAD_REIMBURSED', 'Colonne « rembourse » invalide (attendu O ou N).');
  if (!AMOUNT.test(get('montant')))
    return bad('BAD_AMOUNT', 'Montant invalide (attendu un nombre positif, ex. 12,50).');
  return { ok: true, matricule: nir.nir.value, finess: finess.finess.value, date, reimbursed: YES.has(flag) };
}
