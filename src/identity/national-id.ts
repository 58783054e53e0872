/**
 * National identifiers of the Annuaire Santé (prefixed numbers) and the assigning-authority OIDs.
 *
 * A professional's national id is `8` + RPPS; a structure's is `1` + FINESS. Other prefixes
 * (ADELI, SIREN, SIRET…) exist in the directory but are not used by this product.
 */

import { type Finess, type FinessInvalidReason, parseFiness } from './finess.ts';
import { parseRpps, type Rpps, type RppsInvalidReason } from './rpps.ts';

/** Assigning authority of the NIR used as matricule INS. */
export const NIR_OID = '1.2.250.1.213.1.4.8';
/** Assigning authority of the NIA (waiting number): same syntax as the NIR, told apart only by this OID. */
export const NIA_OID = '1.2.250.1.213.1.4.9';
/** National identifiers of health professionals (`8` + RPPS). */
export const PROFESSIONAL_ID_OID = '1.2.250.1.71.4.2.1';
/** National identifiers of structures (`1` + FINESS). */
export const STRUCTURE_ID_OID = '1.2.250.1.71.4.2.2';

export const RPPS_PREFIX = '8';
export const FINESS_PREFIX = '1';

export type NationalId =
  | { readonly kind: 'professional'; readonly value: string; readonly rpps: Rpps }
  | { readonly kind: 'structure'; readonly value: string; readonly finess: Finess };

export type NationalIdInvalidReason =
  | 'EMPTY'
  | 'UNSUPPORTED_PREFIX'
  | 'MISSING_PREFIX'
  | 'BAD_RPPS'
  | 'BAD_FINESS';

export type NationalIdResult =
  | { readonly ok: true; readonly id: NationalId }
  | {
      readonly ok: false;
      readonly reason: 'EMPTY' | 'UNSUPPORTED_PREFIX' | 'MISSING_PREFIX';
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'BAD_RPPS';
      readonly rppsReason: RppsInvalidReason;
      readonly message: string;
    }
  | {
      readonly ok: false;
      readonly reason: 'BAD_FINESS';
      readonly finessReason: FinessInvalidReason;
      readonly message: string;
    };

/** `8` + RPPS. Throws a RangeError on an invalid RPPS string (validate first with `parseRpps`). */
export function professionalNationalId(rpps: Rpps | string): string {
  if (typeof rpps !== 'string') return RPPS_PREFIX + rpps.value;
  const parsed = parseRpps(rpps);
  if (!parsed.ok) throw new RangeError(`professionalNationalId: invalid RPPS (${parsed.reason})`);
  return RPPS_PREFIX + parsed.rpps.value;
}

/** `1` + FINESS. Throws a RangeError on an invalid FINESS string (validate first with `parseFiness`). */
export function structureNationalId(finess: Finess | string): string {
  if (typeof finess !== 'string') return FINESS_PREFIX + finess.value;
  const parsed = parseFiness(finess);
  if (!parsed.ok) throw new RangeError(`structureNationalId: invalid FINESS (${parsed.reason})`);
  return FINESS_PREFIX + parsed.finess.value;
}

const SEPARATORS = /[\s.]/g;

/** When a prefixed parse fails, a bare RPPS or FINESS deserves a precise hint. */
function missingPrefixHint(value: string): string | null {
  if (parseRpps(value).ok) {
    return "Ce numéro est un RPPS sans préfixe : l'identifiant national d'un professionnel est 8 + RPPS.";
  }
  if (parseFiness(value).ok) {
    return "Ce numéro est un FINESS sans préfixe : l'identifiant national d'une structure est 1 + FINESS.";
  }
  return null;
}

export function parseNationalId(input: string): NationalIdResult {
  const value = input.replace(SEPARATORS, '').toUpperCase();
  if (value === '')
    return { ok: false, reason: 'EMPTY', message: "L'identifiant national n'est pas renseigné." };
  const prefix = value.slice(0, 1);
  const rest = value.slice(1);
  if (prefix === RPPS_PREFIX) {
    const parsed = parseRpps(rest);
    if (parsed.ok) return { ok: true, id: { kind: 'professional', value, rpps: parsed.rpps } };
    const hint = missingPrefixHint(value);
    if (hint !== null) return { ok: false, reason: 'MISSING_PREFIX', message: hint };
    return { ok: false, reason: 'BAD_RPPS', rppsReason: parsed.reason, message: parsed.message };
  }
  if (prefix === FINESS_PREFIX) {
    const parsed = parseFiness(rest);
    if (parsed.ok) return { ok: true, id: { kind: 'structure', value, finess: parsed.finess } };
    const hint = missingPrefixHint(value);
    if (hint !== null) return { ok: false, reason: 'MISSING_PREFIX', message: hint };
    return { ok: false, reason: 'BAD_FINESS', finessReason: parsed.reason, message: parsed.message };
  }
  const hint = missingPrefixHint(value);
  if (hint !== null) return { ok: false, reason: 'MISSING_PREFIX', message: hint };
  return {
    ok: false,
    reason: 'UNSUPPORTED_PREFIX',
    message:
      'Seuls les identifiants nationaux 8 + RPPS (professionnel) et 1 + FINESS (structure) sont pris en charge.',
  };
}
