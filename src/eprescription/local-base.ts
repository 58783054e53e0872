import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import {
  type EPrescription,
  type EPrescriptionBase,
  normalizePrescriptionNumber,
  type PrescriptionLine,
} from './base.ts';

/** The embedded e-prescription base: the `eprescriptions` table (demo prescriptions). */
export function createLocalEPrescriptionBase(db: Kysely<Schema>): EPrescriptionBase {
  return {
    async lookup(number) {
      const normalized = normalizePrescriptionNumber(number);
      if (normalized === null) return null;
      const row = await db
        .selectFrom('eprescriptions')
        .select(['number', 'prescriber', 'issued_on', 'lines'])
        .where('number', '=', normalized)
        .executeTakeFirst();
      if (!row) return null;
      return {
        number: row.number,
        prescriber: row.prescriber,
        issuedOn: row.issued_on,
        lines: JSON.parse(row.lines) as PrescriptionLine[],
      };
    },
  };
}

export interface StoredEPrescription extends EPrescription {
  /** The patient it was prescribed to. */
  matricule: string;
  prescriberRpps: string | null;
}

/** Writes prescriptions into the local base (demo loading); an existing number is left as is. */
export async function saveEPrescriptions(
  trx: Kysely<Schema>,
  prescriptions: readonly StoredEPrescription[],
): Promise<void> {
  for (const p of prescriptions) {
    await trx
      .insertInto('eprescriptions')
      .values({
        number: p.number,
        matricule: p.matricule,
        prescriber: p.prescriber,
        prescriber_rpps: p.prescriberRpps,
        issued_on: p.issuedOn,
        lines: JSON.stringify(p.lines),
      })
      .onConflict((oc) => oc.column('number').doNothing())
      .execute();
  }
}
