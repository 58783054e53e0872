import { luhnCheckDigit } from '../identity/luhn.ts';
import { nirKey } from '../identity/nir.ts';

/**
 * Valid identifiers built from their bodies: the demo and the benchmark files only ever hold
 * numbers that the parsers of `identity/` accept.
 */

/**
 * A 9-character FINESS from its 8-character body. All-digit bodies get their Luhn key. The rule
 * for Corsican numbers (`2A`/`2B`) is not confirmed and `parseFiness` does not check it: their
 * key is computed on the body read with 2A → 19 and 2B → 18, as the NIR does.
 */
export function finessWithKey(body8: string): string {
  if (!/^(?:\d{2}|2A|2B)\d{6}$/.test(body8))
    throw new RangeError('finessWithKey: expected an 8-character body');
  const digits = body8.replace(/^2A/, '19').replace(/^2B/, '18');
  return body8 + luhnCheckDigit(digits);
}

/** An 11-digit RPPS from its 10-digit body (Luhn key). */
export function rppsWithKey(body10: string): string {
  if (!/^\d{10}$/.test(body10)) throw new RangeError('rppsWithKey: expected 10 digits');
  return body10 + luhnCheckDigit(body10);
}

export interface NirParts {
  sex: 'M' | 'F';
  /** `YYYY-MM-DD`; only the year's last two digits and the month are kept. */
  birthDate: string;
  /** 5-character INSEE code: commune (`75112`, `2A004`, `97120`) or `99` + country (`99350`). */
  birthplace: string;
  /** 1–999. */
  order: number;
}

/** The 15-character matricule (13-character body + key computed by `nirKey`). */
export function nirFromParts(parts: NirParts): string {
  if (!Number.isInteger(parts.order) || parts.order < 1 || parts.order > 999) {
    throw new RangeError('nirFromParts: order must be 1–999');
  }
  const body =
    (parts.sex === 'M' ? '1' : '2') +
    parts.birthDate.slice(2, 4) +
    parts.birthDate.slice(5, 7) +
    parts.birthplace +
    String(parts.order).padStart(3, '0');
  return body + nirKey(body);
}

/** `Pharmacie du Champ d'Arbaud` → `pharmacie-du-champ-d-arbaud`. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
