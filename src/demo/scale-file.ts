import { once } from 'node:events';
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { addDays } from '../time/local-date.ts';
import { createRandom } from './random.ts';
import {
  homePharmacy,
  PATIENT_CAPACITY,
  PHARMACY_CAPACITY,
  patientMatricule,
  pharmacyFiness,
} from './scale-pool.ts';

/**
 * A national-scale dispensation file (docs/formats.md) for benchmarks and load tests:
 * `nir;finess;date_dispensation;rembourse;montant`, dates over the last ~18 months (never after
 * `today`), ~85 % reimbursed. Patients come from `patientMatricule(i, seed)` for i < patients and
 * pharmacies from `pharmacyFiness(j)` for j < pharmacies; when rows ≥ patients, every patient of
 * the pool appears at least once (the first `patients` rows name them in index order). Patients
 * mostly go to their home pharmacy. Streams with backpressure, thousands of lines per write.
 */
export {
  homePharmacy,
  PATIENT_CAPACITY,
  PHARMACY_CAPACITY,
  patientMatricule,
  pharmacyFiness,
} from './scale-pool.ts';

export const DISPENSATION_HEADER = 'nir;finess;date_dispensation;rembourse;montant';

export interface DispensationFileOptions {
  rows: number;
  seed?: number;
  /** Size of the patient pool; default rows / 5 (at least 1). */
  patients?: number;
  /** Size of the pharmacy pool; default 20,500 (France, 2024). */
  pharmacies?: number;
  /** `YYYY-MM-DD`, Europe/Paris: the latest possible dispensation date. */
  today: string;
  /** How far back dates go, in months; default 18. */
  windowMonths?: number;
  /** Called after each chunk with the number of rows written so far. */
  onProgress?(rows: number): void;
}

export const DEFAULT_SCALE_PHARMACIES = 20_500;
const DEFAULT_MONTHS = 18;
const CHUNK_ROWS = 4096;
const REIMBURSED_SHARE = 0.85;
const HOME_SHARE = 0.75;

function count(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`writeDispensationFile: ${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

export async function writeDispensationFile(file: string, options: DispensationFileOptions): Promise<void> {
  const rows = count('rows', options.rows, 0);
  const seed = options.seed ?? 1;
  const patients = count(
    'patients',
    options.patients ?? Math.max(1, Math.floor(rows / 5)),
    1,
    PATIENT_CAPACITY,
  );
  const pharmacyCount = count(
    'pharmacies',
    options.pharmacies ?? DEFAULT_SCALE_PHARMACIES,
    1,
    PHARMACY_CAPACITY,
  );
  const days = Math.round(count('windowMonths', options.windowMonths ?? DEFAULT_MONTHS, 1) * 30.44);
  const random = createRandom(seed);
  const pharmacies = Array.from({ length: pharmacyCount }, (_, i) => pharmacyFiness(i));
  const dates = Array.from({ length: days }, (_, i) => addDays(options.today, -i));
  const cents = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

  const stream = fs.createWriteStream(file);
  let failure: unknown = null;
  stream.on('error', (error) => {
    failure = error;
  });
  try {
    stream.write(`${DISPENSATION_HEADER}\n`);
    let written = 0;
    while (written < rows) {
      const end = Math.min(rows, written + CHUNK_ROWS);
      let chunk = '';
      for (let row = written; row < end; row += 1) {
        const patient = row < patients ? row : Math.floor(random.next() * patients);
        const pharmacy =
          random.next() < HOME_SHARE
            ? homePharmacy(patient, seed, pharmacyCount)
            : Math.floor(random.next() * pharmacyCount);
        const amount = 100 + Math.floor(random.next() * 14_900);
        chunk +=
          `${patientMatricule(patient, seed)};${pharmacies[pharmacy]};${dates[Math.floor(random.next() * days)]};` +
          `${random.next() < REIMBURSED_SHARE ? 'O' : 'N'};${Math.floor(amount / 100)},${cents[amount % 100]}\n`;
      }
      written = end;
      if (failure) throw failure;
      if (!stream.write(chunk)) await once(stream, 'drain');
      options.onProgress?.(written);
    }
    stream.end();
    await finished(stream);
  } catch (error) {
    stream.destroy();
    throw error;
  }
}
