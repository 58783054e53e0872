/**
 * FINESS: the 9-character number of a health or social establishment (here, a pharmacy site).
 * The first two characters are the département (`2A`/`2B` for Corsica), the last one a Luhn
 * check digit. The check rule for Corsican numbers is not confirmed by an official text: they are
 * accepted without checking the key, with a warning.
 */

import { luhnValid } from './luhn.ts';

export const FINESS_LENGTH = 9;

export interface Finess {
  /** Normalised 9 characters (`2a` → `2A`). */
  readonly value: string;
  /** First two characters, or first three for overseas numbers (`971`, `988`…). */
  readonly departement: string;
  /** False when the key could not be checked (Corsican numbers). */
  readonly keyChecked: boolean;
  /** French, user-facing; empty when nothing is doubtful. */
  readonly warnings: readonly string[];
}

export type FinessInvalidReason = 'EMPTY' | 'BAD_LENGTH' | 'BAD_CHARACTERS' | 'BAD_KEY';

export type FinessResult =
  | { readonly ok: true; readonly finess: Finess }
  | { readonly ok: false; readonly reason: FinessInvalidReason; readonly message: string };

export const FINESS_CORSICA_WARNING = 'Clé non vérifiée pour les numéros FINESS de Corse.';

const SEPARATORS = /[\s.]/g;
const SHAPE = /^(?:[0-9]{2}|2A|2B)[0-9]{7}$/;

export function normalizeFiness(input: string): string {
  return input.replace(SEPARATORS, '').toUpperCase();
}

function fail(reason: FinessInvalidReason, message: string): FinessResult {
  return { ok: false, reason, message };
}

export function parseFiness(input: string): FinessResult {
  const value = normalizeFiness(input);
  if (value === '') return fail('EMPTY', "Le numéro FINESS n'est pas renseigné.");
  if (!/^[0-9AB]+$/.test(value)) {
    return fail(
      'BAD_CHARACTERS',
      'Le numéro FINESS ne doit contenir que des chiffres (et 2A ou 2B pour la Corse).',
    );
  }
  if (value.length !== FINESS_LENGTH)
    return fail('BAD_LENGTH', 'Le numéro FINESS doit comporter 9 caractères.');
  if (!SHAPE.test(value)) {
    return fail(
      'BAD_CHARACTERS',
      'Les lettres ne sont admises que dans le département de Corse (2A ou 2B), en tête du numéro FINESS.',
    );
  }

  const prefix = value.slice(0, 2);
  const departement = prefix === '97' || prefix === '98' ? value.slice(0, 3) : prefix;
  if (prefix === '2A' || prefix === '2B') {
    return {
      ok: true,
      finess: { value, departement, keyChecked: false, warnings: [FINESS_CORSICA_WARNING] },
    };
  }
  if (!luhnValid(value)) {
    return fail('BAD_KEY', 'La clé du numéro FINESS ne correspond pas : vérifiez chacun des 9 chiffres.');
  }
  return { ok: true, finess: { value, departement, keyChecked: true, warnings: [] } };
}

const CODE_0 = 48;

/**
 * True for a FINESS of exactly 9 ASCII digits with a valid Luhn key, without allocating (bulk
 * imports); false does not mean invalid: parseFiness decides.
 */
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
