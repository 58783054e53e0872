/**
 * A patient's secure mailbox address: `<matricule INS>@patient.mssante.fr`.
 *
 * Parsing is deliberately narrower than RFC 5322: the address must be exactly a 15-character
 * matricule, one `@` and the patient domain. Display names, quoted local parts, comments,
 * whitespace, sub-addresses and temporary numbers are refused. The domain is case-insensitive;
 * the normalised address keeps the matricule upper-case (`2A`) and the domain lower-case.
 *
 * Building an address is only legitimate from a qualified identity (INS status QUAL); that
 * status lives with the identity record, not in these pure functions.
 */

import { type Nir, type NirInvalidReason, parseNir } from './nir.ts';

export const PATIENT_DOMAIN = 'patient.mssante.fr';

export type PatientAddressInvalidReason = 'EMPTY' | 'BAD_SYNTAX' | 'WRONG_DOMAIN' | 'BAD_NIR';

export type PatientAddressResult =
  | { readonly ok: true; readonly nir: Nir; readonly address: string }
  | {
      readonly ok: false;
      readonly reason: Exclude<PatientAddressInvalidReason, 'BAD_NIR'>;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'BAD_NIR';
      readonly nirReason: NirInvalidReason;
      readonly message: string;
    };

/** Anything outside visible ASCII: spaces, tabs, line breaks, accents, look-alike letters. */
const NOT_VISIBLE_ASCII = /[^\x21-\x7E]/;
/** Display names, quoting, comments, escapes, address lists, domain literals. */
const MAILBOX_SYNTAX = /[<>()"\\,;:[\]]/;
const MATRICULE_CHARS = /^[0-9A-Za-z]+$/;

export function parsePatientAddress(input: string): PatientAddressResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'EMPTY', message: "L'adresse n'est pas renseignée." };
  if (NOT_VISIBLE_ASCII.test(text)) {
    return {
      ok: false,
      reason: 'BAD_SYNTAX',
      message: "L'adresse ne doit contenir ni espace, ni caractère accentué ou invisible.",
    };
  }
  if (MAILBOX_SYNTAX.test(text)) {
    return {
      ok: false,
      reason: 'BAD_SYNTAX',
      message: "Saisissez l'adresse seule, sans nom, guillemets, chevrons ni commentaire.",
    };
  }
  const parts = text.split('@');
  const [local, domain] = parts;
  if (parts.length !== 2 || local === undefined || domain === undefined) {
    return { ok: false, reason: 'BAD_SYNTAX', message: "L'adresse doit contenir un seul caractère @." };
  }
  if (domain.toLowerCase() !== PATIENT_DOMAIN) {
    return {
      ok: false,
      reason: 'WRONG_DOMAIN',
      message: `Une adresse de messagerie patient se termine par @${PATIENT_DOMAIN}.`,
    };
  }
  if (!MATRICULE_CHARS.test(local)) {
    return {
      ok: false,
      reason: 'BAD_SYNTAX',
      message:
        "Avant le @, l'adresse doit contenir le matricule INS seul (15 caractères, sans espace ni point).",
    };
  }
  const parsed = parseNir(local);
  if (!parsed.ok) {
    const message =
      parsed.reason === 'TEMPORARY_NUMBER'
        ? "Un numéro provisoire (NNP ou MIG) ne peut pas servir d'adresse de messagerie patient."
        : `L'adresse ne contient pas un matricule INS valide : ${parsed.message}`;
    return { ok: false, reason: 'BAD_NIR', nirReason: parsed.reason, message };
  }
  return { ok: true, nir: parsed.nir, address: `${parsed.nir.value}@${PATIENT_DOMAIN}` };
}

/**
 * The address of the patient whose matricule is `nir`. A string is parsed first; an invalid one
 * is a caller bug (validate with `parseNir` before) and throws a RangeError that names only the
 * reason code, never the number.
 */
export function formatPatientAddress(nir: Nir | string): string {
  if (typeof nir !== 'string') return `${nir.value}@${PATIENT_DOMAIN}`;
  const parsed = parseNir(nir);
  if (!parsed.ok) throw new RangeError(`formatPatientAddress: invalid matricule INS (${parsed.reason})`);
  return `${parsed.nir.value}@${PATIENT_DOMAIN}`;
}
