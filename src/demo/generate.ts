import type { PatientTable } from '../db/schema.ts';
import type { PharmacyRecord } from '../directory/pharmacy-row.ts';
import type { ProfessionalRecord } from '../directory/professional-row.ts';
import { NIR_OID } from '../identity/national-id.ts';
import { addDays } from '../time/local-date.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY, demoPatientRows } from './accounts.ts';
import {
  BIRTHPLACES,
  type BirthplaceArea,
  FAMILY_NAMES,
  GIVEN_NAMES_F,
  GIVEN_NAMES_M,
  PHARMACIES,
} from './france.ts';
import {
  type DemoDispensation,
  daysBetween,
  ordinaryScenarios,
  patientHistory,
  SHOWCASE,
} from './history.ts';
import { nirFromParts } from './identifiers.ts';
import { createRandom, type Random } from './random.ts';
import { generateStaff } from './staff.ts';

export type { DemoDispensation };
/**
 * The synthetic France of `officine-mss demo`, pure and deterministic for a seed and a day:
 * pharmacies, their teams, patients with qualified identities, and dispensation histories that
 * make each patient's list of writable pharmacies tell several stories (see history.ts).
 */
export { DEMO_ACCOUNTS };

export type PatientRow = PatientTable;

export interface DemoData {
  pharmacies: PharmacyRecord[];
  /** One record per membership. */
  professionals: ProfessionalRecord[];
  /** The demo accounts first, in DEMO_ACCOUNTS order. */
  patients: PatientRow[];
  /** Sorted by date. */
  dispensations: DemoDispensation[];
}

/** The seed of the demo everyone sees (the day patients could first write to pharmacies). */
export const DEMO_SEED = 20230522;
export const DEMO_PATIENT_COUNT = 300;

const AREA_WEIGHTS: ReadonlyArray<[BirthplaceArea, number]> = [
  ['metropole', 0.7],
  ['corse', 0.08],
  ['outre-mer', 0.1],
  ['etranger', 0.12],
];
const MINOR_SHARE = 0.18;
const DAYS_PER_YEAR = 365.25;

function area(random: Random): BirthplaceArea {
  let r = random.next();
  for (const [name, weight] of AREA_WEIGHTS) {
    if (r < weight) return name;
    r -= weight;
  }
  return 'metropole';
}

/** An instant (ISO UTC) on a day between the birth date and `today`, within the last 900 days. */
function createdAt(random: Random, today: string, birthDate: string): string {
  const day = addDays(today, -random.int(1, Math.max(1, Math.min(900, daysBetween(birthDate, today)))));
  const time = `${String(random.int(6, 20)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}`;
  return `${day}T${time}:00.000Z`;
}

function ordinaryPatient(random: Random, today: string, taken: Set<string>): PatientRow {
  const sex = random.chance(0.52) ? 'F' : 'M';
  const minor = random.chance(MINOR_SHARE);
  const ageDays = minor
    ? random.int(30, Math.floor(18 * DAYS_PER_YEAR) - 2)
    : random.int(Math.ceil(18 * DAYS_PER_YEAR) + 2, Math.floor(95 * DAYS_PER_YEAR));
  const birthDate = addDays(today, -ageDays);
  const birthplace = random.pick(BIRTHPLACES[area(random)]).code;
  let matricule: string;
  do {
    matricule = nirFromParts({ sex, birthDate, birthplace, order: random.int(1, 999) });
  } while (taken.has(matricule));
  taken.add(matricule);
  const given = sex === 'F' ? GIVEN_NAMES_F : GIVEN_NAMES_M;
  const first = random.pick(given);
  const second = random.chance(0.3) ? random.pick(given.filter((g) => g !== first)) : null;
  return {
    matricule,
    oid: NIR_OID,
    identity_status: 'QUAL',
    family_name: random.pick(FAMILY_NAMES),
    given_names: second ? `${first} ${second}` : first,
    birth_date: birthDate,
    sex,
    birthplace_code: birthplace,
    created_at: createdAt(random, today, birthDate),
  };
}

export function generateDemo(seed: number, today: string, windowMonths: number): DemoData {
  const random = createRandom(seed);
  const pharmacies = [...PHARMACIES];
  const professionals = generateStaff(random, pharmacies);

  const patients = demoPatientRows((birthDate) => createdAt(random, today, birthDate));
  const taken = new Set(patients.map((p) => p.matricule));
  while (patients.length < DEMO_PATIENT_COUNT) patients.push(ordinaryPatient(random, today, taken));

  const context = {
    today,
    windowMonths,
    published: pharmacies.filter((p) => p.mailbox?.published === true),
    unpublished: pharmacies.filter((p) => p.mailbox?.published !== true),
  };
  const demoCount = DEMO_ACCOUNTS.patients.length;
  const dispensations = patients.flatMap((patient, index) =>
    index < demoCount
      ? patientHistory(random, context, patient.matricule, SHOWCASE, { first: DEMO_PHARMACY, showcase: true })
      : patientHistory(random, context, patient.matricule, ordinaryScenarios(random), {
          // About one patient in six is a regular of the demo pharmacy.
          ...(random.chance(1 / 6) ? { first: DEMO_PHARMACY } : {}),
        }),
  );
  dispensations.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { pharmacies, professionals, patients, dispensations };
}
