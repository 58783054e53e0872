import type { MembershipRole, PatientTable } from '../db/schema.ts';
import type { ProfessionalRecord } from '../directory/professional-row.ts';
import { NIR_OID } from '../identity/national-id.ts';
import { formatPatientAddress } from '../identity/patient-address.ts';
import { PHARMACIES } from './france.ts';
import { type NirParts, nirFromParts, rppsWithKey } from './identifiers.ts';

/**
 * The well-known demo accounts printed at start: fixed identities, whatever the seed, so that a
 * tester can type them from memory. Every demo patient gets a showcase history (see history.ts).
 */
interface DemoPatientIdentity extends NirParts {
  givenNames: string;
  familyName: string;
}

const PATIENT_IDENTITIES: readonly DemoPatientIdentity[] = [
  {
    givenNames: 'Camille',
    familyName: 'Martin',
    sex: 'F',
    birthDate: '1988-06-14',
    birthplace: '75112',
    order: 214,
  },
  {
    givenNames: 'Lucas',
    familyName: 'Bernard',
    sex: 'M',
    birthDate: '1979-11-03',
    birthplace: '69383',
    order: 87,
  },
  // A minor: her own matricule and her own mailbox, never a parent's.
  {
    givenNames: 'Léa',
    familyName: 'Petit',
    sex: 'F',
    birthDate: '2016-04-22',
    birthplace: '59350',
    order: 412,
  },
  {
    givenNames: 'Paul',
    familyName: 'Santoni',
    sex: 'M',
    birthDate: '1956-02-09',
    birthplace: '2B033',
    order: 35,
  },
  {
    givenNames: 'Maëva',
    familyName: 'Payet',
    sex: 'F',
    birthDate: '1994-09-27',
    birthplace: '97411',
    order: 603,
  },
  {
    givenNames: 'Karim',
    familyName: 'Benali',
    sex: 'M',
    birthDate: '1968-12-30',
    birthplace: '99350',
    order: 128,
  },
];

interface DemoProfessionalIdentity {
  rppsBody: string;
  givenName: string;
  familyName: string;
  role: MembershipRole;
}

const PROFESSIONAL_IDENTITIES: readonly DemoProfessionalIdentity[] = [
  { rppsBody: '1000231457', givenName: 'Claire', familyName: 'Dubois', role: 'titulaire' },
  { rppsBody: '1000468213', givenName: 'Thomas', familyName: 'Lefèvre', role: 'adjoint' },
  { rppsBody: '1000579324', givenName: 'Julie', familyName: 'Moreau', role: 'preparateur' },
];

const demoPharmacy = PHARMACIES[0];
if (!demoPharmacy) throw new Error('demo: the pharmacy table is empty');
/** The pharmacy where the demo pharmacists work; every demo patient may write to it. */
export const DEMO_PHARMACY = demoPharmacy;

export interface DemoPatientAccount {
  matricule: string;
  name: string;
  /** `<matricule>@patient.mssante.fr`. */
  address: string;
}

export interface DemoProfessionalAccount {
  rpps: string;
  name: string;
  role: MembershipRole;
  /** Pharmacy name. */
  pharmacy: string;
  finess: string;
}

export interface DemoAccounts {
  patients: readonly DemoPatientAccount[];
  professionals: readonly DemoProfessionalAccount[];
}

/** The demo patients' rows, with `created_at` supplied by the caller. */
export function demoPatientRows(createdAt: (birthDate: string) => string): PatientTable[] {
  return PATIENT_IDENTITIES.map((identity) => ({
    matricule: nirFromParts(identity),
    oid: NIR_OID,
    identity_status: 'QUAL',
    family_name: identity.familyName,
    given_names: identity.givenNames,
    birth_date: identity.birthDate,
    sex: identity.sex,
    birthplace_code: identity.birthplace,
    created_at: createdAt(identity.birthDate),
  }));
}

export const DEMO_PROFESSIONALS: readonly ProfessionalRecord[] = PROFESSIONAL_IDENTITIES.map((p) => ({
  rpps: rppsWithKey(p.rppsBody),
  familyName: p.familyName,
  givenName: p.givenName,
  finess: DEMO_PHARMACY.finess,
  role: p.role,
}));

export const DEMO_ACCOUNTS: DemoAccounts = {
  patients: PATIENT_IDENTITIES.map((identity) => {
    const matricule = nirFromParts(identity);
    return {
      matricule,
      name: `${identity.givenNames} ${identity.familyName}`,
      address: formatPatientAddress(matricule),
    };
  }),
  professionals: DEMO_PROFESSIONALS.map((p) => ({
    rpps: p.rpps,
    name: `${p.givenName} ${p.familyName}`,
    role: p.role,
    pharmacy: DEMO_PHARMACY.name,
    finess: DEMO_PHARMACY.finess,
  })),
};
