/**
 * RPPS: the 11-digit number of a health professional (here, a pharmacist). The last digit is a
 * Luhn key — widely implemented, though not confirmed by an official text.
 */

import { luhnValid } from './luhn.ts';

export const RPPS_LENGTH = 11;

export interface Rpps {
  /** Normalised 11 digits. */
  readonly value: string;
  /** The last digit. */
  readonly key: string;
}

export type RppsInvalidReason = 'EMPTY' | 'BAD_LENGTH' | 'BAD_CHARACTERS' | 'BAD_KEY';

export type RppsResult =
  | { readonly ok: true; readonly rpps: Rpps }
  | { readonly ok: false; readonly reason: RppsInvalidReason; readonly message: string };

const SEPARATORS = /[\s.]/g;

export function normalizeRpps(input: string): string {
  return input.replace(SEPARATORS, '');
}

function fail(reason: RppsInvalidReason, message: string): RppsResult {
  return { ok: false, reason, message };
}

export function parseRpps(input: string): RppsResult {
  const value = normalizeRpps(input);
  if (value === '') return fail('EMPTY', "Le numéro RPPS n'est pas renseigné.");
  if (!/^[0-9]+$/.test(value)) {
    return fail('BAD_CHARACTERS', 'Le numéro RPPS ne doit contenir que des chiffres.');
  }
  if (value.length !== RPPS_LENGTH) return fail('BAD_LENGTH', 'Le numéro RPPS doit comporter 11 chiffres.');
  if (!luhnValid(value)) {
    return fail('BAD_KEY', 'La clé du numéro RPPS ne correspond pas : vérifiez chacun des 11 chiffres.');
  }
  return { ok: true, rpps: { value, key: value.slice(RPPS_LENGTH - 1) } };
}
