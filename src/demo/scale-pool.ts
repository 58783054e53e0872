import { nirKey } from '../identity/nir.ts';
import { ALL_BIRTHPLACES } from './france.ts';
import { finessWithKey } from './identifiers.ts';
import { mix32 } from './random.ts';

/**
 * The identifier pools of national-scale files, as pure functions of an index: the generator
 * and the benchmark name the same patients and pharmacies without sharing any state.
 *
 * Patients: index → an affine bijection of [0, capacity) (seeded) → mixed-radix fields
 * (order, month, year, sex, birthplace). Distinct indices give distinct matricules, all valid.
 */
const PLACES = ALL_BIRTHPLACES.map((b) => b.code);
const ORDERS = 999;
const MONTHS = 12;
const YEARS = 100;
/** How many distinct patients `patientMatricule` can name for one seed (≈146 million). */
export const PATIENT_CAPACITY = ORDERS * MONTHS * YEARS * 2 * PLACES.length;
/** Coprime with the capacity (whose prime factors are 2, 3, 5, 37 and the number of places). */
const MULTIPLIER = 1_000_003;

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** Birthplace codes as numbers for the key; NaN for Corsica (2A/2B), whose key nirKey computes. */
const PLACE_NUMBERS = PLACES.map((code) => (/^\d{5}$/.test(code) ? Number(code) : Number.NaN));

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
if (gcd(MULTIPLIER, PATIENT_CAPACITY) !== 1)
  throw new Error('scale-pool: multiplier not coprime with capacity');

/** The matricule of patient `index` (0 ≤ index < PATIENT_CAPACITY) of the pool seeded by `seed`. */
export function patientMatricule(index: number, seed = 1): string {
  if (!Number.isInteger(index) || index < 0 || index >= PATIENT_CAPACITY) {
    throw new RangeError(`patientMatricule: index must be an integer in [0, ${PATIENT_CAPACITY})`);
  }
  // index * MULTIPLIER < 1.5e14: exact in a double.
  let p = (index * MULTIPLIER + (mix32(seed) % PATIENT_CAPACITY)) % PATIENT_CAPACITY;
  const order = (p % ORDERS) + 1;
  p = Math.floor(p / ORDERS);
  const month = (p % MONTHS) + 1;
  p = Math.floor(p / MONTHS);
  const year = p % YEARS;
  p = Math.floor(p / YEARS);
  const sex = (p % 2) + 1;
  const place = Math.floor(p / 2);
  const code = PLACES[place] as string;
  const body = `${sex}${PAD2[year]}${PAD2[month]}${code}${PAD3[order]}`;
  const placeNumber = PLACE_NUMBERS[place] as number;
  if (Number.isNaN(placeNumber)) return body + nirKey(body);
  // The 13-digit body is below 2^53: the key is computed exactly without BigInt.
  const n = sex * 1e12 + year * 1e10 + month * 1e8 + placeNumber * 1e3 + order;
  return body + PAD2[97 - (n % 97)];
}

/** Every département of the pharmacy pool: metropolitan (not 20), Corsica, overseas. */
const DEPARTEMENTS = [
  ...Array.from({ length: 95 }, (_, i) => PAD2[i + 1] as string).filter((d) => d !== '20'),
  '2A',
  '2B',
  '971',
  '972',
  '973',
  '974',
  '976',
];
/** Overseas bodies leave 5 digits to the sequence: 100,000 pharmacies per département. */
export const PHARMACY_CAPACITY = DEPARTEMENTS.length * 100_000;

/** The FINESS of pharmacy `index` of the pool, spread round-robin over the départements. */
export function pharmacyFiness(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= PHARMACY_CAPACITY) {
    throw new RangeError(`pharmacyFiness: index must be an integer in [0, ${PHARMACY_CAPACITY})`);
  }
  const departement = DEPARTEMENTS[index % DEPARTEMENTS.length] as string;
  const sequence = String(Math.floor(index / DEPARTEMENTS.length)).padStart(8 - departement.length, '0');
  return finessWithKey(departement + sequence);
}

/** The pharmacy a patient of the pool usually goes to, among `pharmacies`. */
export function homePharmacy(patientIndex: number, seed: number, pharmacies: number): number {
  return mix32(patientIndex ^ mix32(seed ^ 0x5bd1e995)) % pharmacies;
}
