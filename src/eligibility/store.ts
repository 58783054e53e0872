import { sql } from 'kysely';
import type { Store } from '../db/connect.ts';
import { prepareQuery } from '../db/prepared.ts';
import {
  createDirectoryCache,
  type DirectoryCache,
  type DirectoryVersionSchema,
  loadWritableDirectory,
} from './directory-cache.ts';

/** A pharmacy as the eligibility service shows it, with the patient's latest reimbursed dispensation. */
export interface PharmacyWithDispensation {
  finess: string;
  name: string;
  address: string;
  postcode: string;
  city: string;
  departement: string;
  phone: string | null;
  /** The published organisational mailbox, or null when there is none (or it is "liste rouge"). */
  mailboxAddress: string | null;
  lastReimbursedOn: string;
}

export interface PharmacyFactsRow {
  known: boolean;
  mailboxAddress: string | null;
  lastReimbursedOn: string | null;
}

/** Reads of the eligibility index joined with the directory. Writes go through bulk-load.ts. */
export interface EligibilityStore {
  /** Pharmacies with a published ORG mailbox and a reimbursed dispensation on or after `since`. */
  writablePharmacies(matricule: string, since: string): Promise<PharmacyWithDispensation[]>;
  /** Every directory pharmacy in the patient's reimbursement history, whatever the date or mailbox. */
  history(matricule: string): Promise<PharmacyWithDispensation[]>;
  facts(matricule: string, finess: string): Promise<PharmacyFactsRow>;
}

export interface EligibilityStoreOptions {
  /** The in-memory directory for the pharmacy list; default: one of this store's own. */
  directoryCache?: DirectoryCache;
}

export function createEligibilityStore(
  store: Store,
  options: EligibilityStoreOptions = {},
): EligibilityStore {
  const { db } = store;
  const directory = options.directoryCache ?? createDirectoryCache(() => loadWritableDirectory(db));
  const base = () =>
    db
      .selectFrom('eligibility as e')
      .innerJoin('pharmacies as p', 'p.finess', 'e.finess')
      .leftJoin('mailboxes as m', (join) =>
        // Literals, not parameters: a prepared statement's generic plan can only use the partial
        // index `where kind = 'ORG'` when the value is in the SQL text.
        join
          .onRef('m.pharmacy_finess', '=', 'p.finess')
          .on('m.kind', '=', sql.lit('ORG'))
          .on('m.published', '=', sql.lit(1)),
      )
      .select([
        'p.finess',
        'p.name',
        'p.address',
        'p.postcode',
        'p.city',
        'p.departement',
        'p.phone',
        'm.address as mailboxAddress',
        'e.last_reimbursed_on as lastReimbursedOn',
      ]);

  // The hot path: every new conversation and every patient's pharmacy list runs it. It reads only
  // the eligibility index; the directory comes from memory, at the version read by the same
  // statement (directory-cache.ts).
  const eligibleRows = prepareQuery<
    { matricule: string; since: string },
    { finess: string; lastReimbursedOn: string; directoryVersion: number | null }
  >(store, 'eligibility_recent_pairs', (param) =>
    db
      .withTables<DirectoryVersionSchema>()
      .selectFrom('eligibility as e')
      .select(['e.finess', 'e.last_reimbursed_on as lastReimbursedOn'])
      .select((eb) => eb.selectFrom('directory_version').select('version').as('directoryVersion'))
      .where('e.matricule', '=', param('matricule'))
      .where('e.last_reimbursed_on', '>=', param('since')),
  );
  // The same list from the database alone, while the in-memory directory is being (re)loaded.
  const joined = prepareQuery<{ matricule: string; since: string }, PharmacyWithDispensation>(
    store,
    'eligibility_writable_pharmacies',
    (param) =>
      base()
        .where('e.matricule', '=', param('matricule'))
        .where('e.last_reimbursed_on', '>=', param('since'))
        .where('m.address', 'is not', null),
  );

  const writablePharmacies = async (matricule: string, since: string) => {
    const rows = await eligibleRows({ matricule, since });
    if (rows.length === 0) return [];
    const current = directory.at(Number(rows[0]?.directoryVersion));
    if (current === null) return (await joined({ matricule, since })).sort(newestFirst);
    const result: PharmacyWithDispensation[] = [];
    for (const row of rows) {
      const pharmacy = current.pharmacies.get(row.finess);
      if (pharmacy === undefined) continue;
      result.push({
        finess: row.finess,
        name: pharmacy.name,
        address: pharmacy.address,
        postcode: pharmacy.postcode,
        city: pharmacy.city,
        departement: pharmacy.departement,
        phone: pharmacy.phone,
        mailboxAddress: pharmacy.mailboxAddress,
        lastReimbursedOn: row.lastReimbursedOn,
      });
    }
    return result.sort(newestFirst);
  };

  return {
    writablePharmacies,
    async history(matricule) {
      return base()
        .where('e.matricule', '=', matricule)
        .orderBy('e.last_reimbursed_on', 'desc')
        .orderBy('p.finess')
        .execute();
    },
    async facts(matricule, finess) {
      const pharmacy = await db
        .selectFrom('pharmacies as p')
        .leftJoin('mailboxes as m', (join) =>
          join.onRef('m.pharmacy_finess', '=', 'p.finess').on('m.kind', '=', 'ORG').on('m.published', '=', 1),
        )
        .select(['p.finess', 'm.address'])
        .where('p.finess', '=', finess)
        .executeTakeFirst();
      const row = await db
        .selectFrom('eligibility')
        .select('last_reimbursed_on')
        .where('matricule', '=', matricule)
        .where('finess', '=', finess)
        .executeTakeFirst();
      return {
        known: pharmacy !== undefined,
        mailboxAddress: pharmacy?.address ?? null,
        lastReimbursedOn: row?.last_reimbursed_on ?? null,
      };
    },
  };
}

/**
 * Newest dispensation first, then by FINESS (ISO dates and FINESS numbers compare as strings).
 * Sorted here rather than in SQL so that both paths order alike, whatever the database collation.
 */
function newestFirst(a: PharmacyWithDispensation, b: PharmacyWithDispensation): number {
  if (a.lastReimbursedOn !== b.lastReimbursedOn) return a.lastReimbursedOn > b.lastReimbursedOn ? -1 : 1;
  return a.finess < b.finess ? -1 : a.finess > b.finess ? 1 : 0;
}
