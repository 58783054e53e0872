import { parseFiness } from '../identity/finess.ts';
import type { RowError } from '../import/error-report.ts';

/**
 * One line of a pharmacy file (docs/formats.md): the columns of the public FINESS extraction
 * that matter here, plus the organisational mailbox. Only category 620 ("pharmacie d'officine")
 * is kept; other establishments are skipped, not rejected.
 */
export const PHARMACY_COLUMNS = ['nofinesset', 'rs', 'codepostal', 'commune', 'categetab'] as const;
export const PHARMACY_CATEGORY = '620';

export interface PharmacyRecord {
  finess: string;
  legalFiness: string | null;
  name: string;
  address: string;
  postcode: string;
  city: string;
  departement: string;
  phone: string | null;
  openingHours: string | null;
  mailbox: { address: string; published: boolean } | null;
}

export type PharmacyRow =
  | { kind: 'pharmacy'; record: PharmacyRecord; warnings: string[] }
  | { kind: 'skipped' }
  | { kind: 'error'; error: Omit<RowError, 'line'> };

const MAILBOX = /^[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const POSTCODE = /^\d{5}$/;
const YES = new Set(['o', 'oui', '1', 'true']);
const NO = new Set(['', 'n', 'non', '0', 'false']);

const error = (code: string, message: string): PharmacyRow => ({ kind: 'error', error: { code, message } });

export function checkPharmacyRow(get: (column: string) => string): PharmacyRow {
  if (get('categetab') !== PHARMACY_CATEGORY) return { kind: 'skipped' };
  const site = parseFiness(get('nofinesset'));
  if (!site.ok) return error('BAD_FINESS', `FINESS établissement invalide : ${site.message}`);
  let legalFiness: string | null = null;
  if (get('nofinessej') !== '') {
    const legal = parseFiness(get('nofinessej'));
    if (!legal.ok) return error('BAD_FINESS', `FINESS juridique invalide : ${legal.message}`);
    legalFiness = legal.finess.value;
  }
  const name = get('rs');
  if (name === '') return error('MISSING_NAME', 'Raison sociale manquante.');
  const postcode = get('codepostal');
  if (!POSTCODE.test(postcode)) return error('BAD_POSTCODE', 'Code postal invalide (5 chiffres).');
  const city = get('commune');
  if (city === '') return error('MISSING_CITY', 'Commune manquante.');
  const street = ['numvoie', 'typvoie', 'voie', 'compvoie', 'lieuditbp'].map(get).filter((s) => s !== '');
  let mailbox: PharmacyRecord['mailbox'] = null;
  const address = get('bal_org').toLowerCase();
  if (address !== '') {
    if (!MAILBOX.test(address))
      return error('BAD_MAILBOX', 'Adresse de messagerie organisationnelle invalide.');
    const redList = get('bal_liste_rouge').toLowerCase();
    if (!YES.has(redList) && !NO.has(redList))
      return error('BAD_RED_LIST', 'Colonne « bal_liste_rouge » invalide (O ou N).');
    mailbox = { address, published: !YES.has(redList) };
  }
  return {
    kind: 'pharmacy',
    warnings: [...site.finess.warnings],
    record: {
      finess: site.finess.value,
      legalFiness,
      name,
      address: street.join(' '),
      postcode,
      city,
      departement: get('departement') || site.finess.departement,
      phone: get('telephone') || null,
      openingHours: get('horaires') || null,
      mailbox,
    },
  };
}
