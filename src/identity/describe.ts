/**
 * What `officine-mss check nir|finess|rpps VALUE` prints: the normalised value and its fields
 * with French labels, or why it is invalid. Pure: the CLI only prints the lines and sets the
 * exit code from `valid`.
 */

import { type Finess, parseFiness } from './finess.ts';
import { professionalNationalId, structureNationalId } from './national-id.ts';
import { formatNir, type Nir, parseNir } from './nir.ts';
import { parseRpps, type Rpps } from './rpps.ts';

export const IDENTIFIER_KINDS = ['nir', 'finess', 'rpps'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface IdentifierDescription {
  readonly valid: boolean;
  readonly lines: readonly string[];
}

function invalid(message: string): IdentifierDescription {
  return { valid: false, lines: [`Invalide : ${message}`] };
}

function birthplaceLines(nir: Nir): string[] {
  switch (nir.place) {
    case 'metropole':
      return [`Département de naissance : ${nir.departement}`, `Commune : ${nir.commune}`];
    case 'corse':
      return [`Département de naissance : ${nir.departement} (Corse)`, `Commune : ${nir.commune}`];
    case 'outre-mer':
      return [`Département de naissance : ${nir.departement} (outre-mer)`, `Commune : ${nir.commune}`];
    case 'etranger':
      return [
        `Département de naissance : ${nir.departement} (naissance à l'étranger)`,
        `Pays de naissance (code INSEE) : ${nir.country}`,
      ];
  }
}

export function describeNir(nir: Nir): string[] {
  const month = nir.birthMonthKnown ? nir.birthMonth : `${nir.birthMonth} (pseudo-valeur : mois inconnu)`;
  return [
    `NIR : ${formatNir(nir)}`,
    `Sexe : ${nir.sex === 'M' ? 'homme' : 'femme'}`,
    `Année de naissance : ${nir.birthYear}`,
    `Mois de naissance : ${month}`,
    ...birthplaceLines(nir),
    `Numéro d'ordre : ${nir.order}`,
    `Clé : ${nir.key} (valide)`,
  ];
}

export function describeFiness(finess: Finess): string[] {
  const key = finess.value.slice(-1);
  return [
    `FINESS : ${finess.value}`,
    `Département : ${finess.departement}`,
    `Clé : ${key} (${finess.keyChecked ? 'valide' : 'non vérifiée'})`,
    `Identifiant national de structure : ${structureNationalId(finess)}`,
    ...finess.warnings.map((warning) => `Attention : ${warning}`),
  ];
}

export function describeRpps(rpps: Rpps): string[] {
  return [
    `RPPS : ${rpps.value}`,
    `Clé : ${rpps.key} (valide)`,
    `Identifiant national de professionnel : ${professionalNationalId(rpps)}`,
  ];
}

export function describeIdentifier(kind: IdentifierKind, value: string): IdentifierDescription {
  switch (kind) {
    case 'nir': {
      const parsed = parseNir(value);
      return parsed.ok ? { valid: true, lines: describeNir(parsed.nir) } : invalid(parsed.message);
    }
    case 'finess': {
      const parsed = parseFiness(value);
      return parsed.ok ? { valid: true, lines: describeFiness(parsed.finess) } : invalid(parsed.message);
    }
    case 'rpps': {
      const parsed = parseRpps(value);
      return parsed.ok ? { valid: true, lines: describeRpps(parsed.rpps) } : invalid(parsed.message);
    }
  }
}
