import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import type { ProfessionalRecord } from '../directory/professional-row.ts';
import { DEMO_PHARMACY, DEMO_PROFESSIONALS } from './accounts.ts';
import { FAMILY_NAMES, GIVEN_NAMES_F, GIVEN_NAMES_M } from './france.ts';
import { rppsWithKey } from './identifiers.ts';
import type { Random } from './random.ts';

/**
 * The pharmacy teams: one record per membership (a professional working at two pharmacies has
 * two records with the same RPPS). Each pharmacy has one titulaire, 0–2 adjoints and 1–2
 * préparateurs; the demo pharmacy's team starts with the demo accounts; the first adjoint of the
 * second pharmacy also works at the third one.
 */
export function generateStaff(random: Random, pharmacies: readonly PharmacyRecord[]): ProfessionalRecord[] {
  const taken = new Set(DEMO_PROFESSIONALS.map((p) => p.rpps));
  const newRpps = (): string => {
    for (;;) {
      const rpps = rppsWithKey(`10${String(random.int(0, 99_999_999)).padStart(8, '0')}`);
      if (!taken.has(rpps)) {
        taken.add(rpps);
        return rpps;
      }
    }
  };
  const person = (finess: string, role: ProfessionalRecord['role']): ProfessionalRecord => ({
    rpps: newRpps(),
    familyName: random.pick(FAMILY_NAMES),
    givenName: random.pick(random.chance(0.6) ? GIVEN_NAMES_F : GIVEN_NAMES_M),
    finess,
    role,
  });

  const records: ProfessionalRecord[] = [];
  pharmacies.forEach((pharmacy, index) => {
    const demo = pharmacy.finess === DEMO_PHARMACY.finess;
    if (demo) records.push(...DEMO_PROFESSIONALS);
    else records.push(person(pharmacy.finess, 'titulaire'));
    // The second pharmacy has an adjoint, who also works at the third (hence one adjoint less there).
    const adjoints = demo ? random.int(0, 1) : random.int(index === 1 ? 1 : 0, index === 2 ? 1 : 2);
    for (let i = 0; i < adjoints; i += 1) records.push(person(pharmacy.finess, 'adjoint'));
    const preparateurs = demo ? random.int(0, 1) : random.int(1, 2);
    for (let i = 0; i < preparateurs; i += 1) records.push(person(pharmacy.finess, 'preparateur'));
  });

  const second = pharmacies[1];
  const third = pharmacies[2];
  const shared = records.find((r) => r.finess === second?.finess && r.role === 'adjoint');
  if (shared && third) records.push({ ...shared, finess: third.finess });
  return records;
}
