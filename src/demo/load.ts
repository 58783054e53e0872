import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Store } from '../db/connect.ts';
import { createDirectoryStore } from '../directory/store.ts';
import { startDispensationLoad } from '../eligibility/bulk-load.ts';
import type { Clock } from '../time/clock.ts';
import { localDate } from '../time/local-date.ts';
import type { DemoAccounts } from './accounts.ts';
import { DEMO_ACCOUNTS, DEMO_SEED, generateDemo } from './generate.ts';
import { demoHealthRecords, saveDemoHealthRecords } from './health-records.ts';

/**
 * Writes the demo into a store: the directory (pharmacies, mailboxes, teams), the patients and the
 * demo accounts' health records in one transaction, then the reimbursed dispensations through the
 * eligibility bulk load, recorded as an import run whose sha256 names the demo and its seed. That
 * run is the "already loaded" mark: loading the same demo again writes nothing and reports
 * `loaded: false`.
 */
export interface DemoSummary {
  /** False when the store already held this demo (nothing was written). */
  loaded: boolean;
  pharmacies: number;
  /** Distinct professionals (RPPS). */
  professionals: number;
  memberships: number;
  patients: number;
  /** Every generated dispensation, reimbursed or not. */
  dispensations: number;
  /** The reimbursed ones, folded into the eligibility index. */
  reimbursedDispensations: number;
  /** (patient, pharmacy) pairs written to the eligibility index by this call. */
  eligibilityPairsChanged: number;
  accounts: DemoAccounts;
}

export interface DemoLoadOptions {
  windowMonths: number;
  seed?: number;
}

const PATIENT_BATCH = 100;
const STAGE_BATCH = 5000;

/** True when the store has neither pharmacies nor patients: the first start of a deployment. */
export async function isStoreEmpty(store: Store): Promise<boolean> {
  const pharmacy = await store.db.selectFrom('pharmacies').select('finess').limit(1).executeTakeFirst();
  if (pharmacy) return false;
  const patient = await store.db.selectFrom('patients').select('matricule').limit(1).executeTakeFirst();
  return patient === undefined;
}

/** The sha256 recorded on the demo's import run. */
export function demoImportSha256(seed: number): string {
  return createHash('sha256').update(`officine-mss demo, seed ${seed}`).digest('hex');
}

export async function loadDemo(store: Store, clock: Clock, options: DemoLoadOptions): Promise<DemoSummary> {
  const seed = options.seed ?? DEMO_SEED;
  const startedAt = clock.now();
  const demo = generateDemo(seed, localDate(startedAt), options.windowMonths);
  const reimbursed = demo.dispensations.filter((d) => d.reimbursed);
  const summary: DemoSummary = {
    loaded: false,
    pharmacies: demo.pharmacies.length,
    professionals: new Set(demo.professionals.map((p) => p.rpps)).size,
    memberships: demo.professionals.length,
    patients: demo.patients.length,
    dispensations: demo.dispensations.length,
    reimbursedDispensations: reimbursed.length,
    eligibilityPairsChanged: 0,
    accounts: DEMO_ACCOUNTS,
  };

  const sha256 = demoImportSha256(seed);
  const mark = await store.db
    .selectFrom('import_runs')
    .select('id')
    .where('kind', '=', 'dispensations')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (mark) return summary;

  const now = startedAt.toISOString();
  await store.db.transaction().execute(async (trx) => {
    const directory = createDirectoryStore(trx);
    for (const pharmacy of demo.pharmacies) await directory.savePharmacy(pharmacy, now);
    for (const professional of demo.professionals) await directory.saveProfessional(professional, now);
    for (let from = 0; from < demo.patients.length; from += PATIENT_BATCH) {
      await trx
        .insertInto('patients')
        .values(demo.patients.slice(from, from + PATIENT_BATCH))
        .onConflict((oc) => oc.column('matricule').doNothing())
        .execute();
    }
    // The demo accounts' health records: e-prescriptions (also in the embedded base) and documents.
    await saveDemoHealthRecords(trx, demoHealthRecords(localDate(startedAt), now));
  });

  const load = await startDispensationLoad(store);
  try {
    for (let from = 0; from < reimbursed.length; from += STAGE_BATCH) {
      const batch = reimbursed.slice(from, from + STAGE_BATCH);
      await load.stage({
        matricules: batch.map((d) => d.matricule),
        finess: batch.map((d) => d.finess),
        dates: batch.map((d) => d.date),
      });
    }
    summary.eligibilityPairsChanged = await load.merge({
      id: uuidv7(),
      kind: 'dispensations',
      sha256,
      rows_read: demo.dispensations.length,
      rows_accepted: reimbursed.length,
      rows_rejected: 0,
      rows_skipped: demo.dispensations.length - reimbursed.length,
      started_at: now,
      finished_at: clock.now().toISOString(),
    });
  } finally {
    await load.close();
  }
  summary.loaded = true;
  return summary;
}
