import type { MembershipRole } from '../db/schema.ts';
import { parseFiness } from '../identity/finess.ts';
import { parseRpps } from '../identity/rpps.ts';
import type { RowError } from '../import/error-report.ts';

/**
 * One line of a professionals file (docs/formats.md), close to the Annuaire Santé extraction:
 * a professional (RPPS, names) and their role at one pharmacy site.
 */
export const PROFESSIONAL_COLUMNS = ['rpps', 'nom', 'prenom', 'finess', 'role'] as const;

export interface ProfessionalRecord {
  rpps: string;
  familyName: string;
  givenName: string;
  finess: string;
  role: MembershipRole;
}

export type ProfessionalRow =
  | { ok: true; record: ProfessionalRecord }
  | { ok: false; error: Omit<RowError, 'line'> };

const ROLES: Record<string, MembershipRole> = {
  titulaire: 'titulaire',
  'pharmacien titulaire': 'titulaire',
  adjoint: 'adjoint',
  'pharmacien adjoint': 'adjoint',
  preparateur: 'preparateur',
  préparateur: 'preparateur',
  'préparateur en pharmacie': 'preparateur',
  'preparateur en pharmacie': 'preparateur',
};

const error = (code: string, message: string): ProfessionalRow => ({ ok: false, error: { code, message } });

export function checkProfessionalRow(get: (column: string) => string): ProfessionalRow {
  const rpps = parseRpps(get('rpps'));
  if (!rpps.ok) return error('BAD_RPPS', `RPPS invalide : ${rpps.message}`);
  const familyName = get('nom');
  const givenName = get('prenom');
  if (familyName === '' || givenName === '') return error('MISSING_NAME', 'Nom ou prénom manquant.');
  const finess = parseFiness(get('finess'));
  if (!finess.ok) return error('BAD_FINESS', `FINESS invalide : ${finess.message}`);
  const role = ROLES[get('role').toLowerCase()];
  if (!role) return error('BAD_ROLE', 'Rôle invalide (titulaire, adjoint ou preparateur).');
  return {
    ok: true,
    record: { rpps: rpps.rpps.value, familyName, givenName, finess: finess.finess.value, role },
  };
}
