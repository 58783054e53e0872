import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { MembershipRole, Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import type { PharmacyRecord } from './pharmacy-row.ts';
import type { ProfessionalRecord } from './professional-row.ts';

export interface PharmacySummary {
  finess: string;
  name: string;
  city: string;
  departement: string;
  mailboxAddress: string | null;
  mailboxPublished: boolean;
}

export interface Membership {
  finess: string;
  pharmacyName: string;
  role: MembershipRole;
}

/** The directory (Annuaire): pharmacies, their organisational mailbox, professionals, memberships. */
export interface DirectoryStore {
  /** Creates or updates a pharmacy and its ORG mailbox. A mailbox's address never changes. */
  savePharmacy(record: PharmacyRecord, now: string): Promise<void>;
  saveProfessional(record: ProfessionalRecord, now: string): Promise<void>;
  pharmacy(finess: string): Promise<PharmacySummary | undefined>;
  pharmacies(): Promise<PharmacySummary[]>;
  memberships(rpps: string): Promise<Membership[]>;
}

/** A professional's role in a pharmacy as the directory says now; null when not a member. */
export async function roleAt(
  db: Kysely<Schema>,
  rpps: string,
  finess: string,
): Promise<MembershipRole | null> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('rpps', '=', rpps)
    .where('pharmacy_finess', '=', finess)
    .executeTakeFirst();
  return row?.role ?? null;
}

export function createDirectoryStore(db: Kysely<Schema>): DirectoryStore {
  const summaries = () =>
    db
      .selectFrom('pharmacies as p')
      .leftJoin('mailboxes as m', (join) =>
        join.onRef('m.pharmacy_finess', '=', 'p.finess').on('m.kind', '=', 'ORG'),
      )
      .select([
        'p.finess',
        'p.name',
        'p.city',
        'p.departement',
        'm.address as mailboxAddress',
        'm.published',
      ]);
  const toSummary = (
    row: { published: number | null } & Omit<PharmacySummary, 'mailboxPublished'>,
  ): PharmacySummary => {
    const { published, ...rest } = row;
    return { ...rest, mailboxPublished: published === 1 };
  };

  return {
    async savePharmacy(record, now) {
      const columns = {
        legal_finess: record.legalFiness,
        name: record.name,
        address: record.address,
        postcode: record.postcode,
        city: record.city,
        departement: record.departement,
        phone: record.phone,
        opening_hours: record.openingHours,
        updated_at: now,
      };
      // Mailbox rules are checked before writing anything: a rejected row changes nothing.
      const mailbox = record.mailbox;
      const existing = mailbox
        ? await db
            .selectFrom('mailboxes')
            .select(['id', 'address', 'pharmacy_finess', 'kind'])
            .where((eb) =>
              eb.or([
                eb('address', '=', mailbox.address),
                eb.and([eb('pharmacy_finess', '=', record.finess), eb('kind', '=', 'ORG')]),
              ]),
            )
            .execute()
        : [];
      const own = existing.find((m) => m.pharmacy_finess === record.finess && m.kind === 'ORG');
      if (own && own.address !== mailbox?.address) {
        throw new DomainError(
          'MAILBOX_ADDRESS_CHANGED',
          "L'adresse d'une messagerie organisationnelle ne peut pas changer : cette pharmacie en a déjà une autre.",
        );
      }
      if (!own && existing.length > 0) {
        throw new DomainError(
          'MAILBOX_ADDRESS_TAKEN',
          'Cette adresse de messagerie appartient déjà à une autre boîte.',
        );
      }
      await db
        .insertInto('pharmacies')
        .values({ finess: record.finess, ...columns })
        .onConflict((oc) => oc.column('finess').doUpdateSet(columns))
        .execute();
      if (!mailbox) return;
      const published = mailbox.published ? 1 : 0;
      if (own) {
        await db
          .updateTable('mailboxes')
          .set({ published, updated_at: now })
          .where('id', '=', own.id)
          .execute();
      } else {
        await db
          .insertInto('mailboxes')
          .values({
            id: uuidv7(),
            address: mailbox.address,
            kind: 'ORG',
            pharmacy_finess: record.finess,
            published,
            description: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    },

    async saveProfessional(record, now) {
      const pharmacy = await db
        .selectFrom('pharmacies')
        .select('finess')
        .where('finess', '=', record.finess)
        .executeTakeFirst();
      if (!pharmacy)
        throw new DomainError('UNKNOWN_PHARMACY', "Cette pharmacie (FINESS) n'est pas dans l'annuaire.");
      const names = { family_name: record.familyName, given_name: record.givenName, updated_at: now };
      await db
        .insertInto('professionals')
        .values({ rpps: record.rpps, ...names })
        .onConflict((oc) => oc.column('rpps').doUpdateSet(names))
        .execute();
      await db
        .insertInto('memberships')
        .values({ rpps: record.rpps, pharmacy_finess: record.finess, role: record.role, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['rpps', 'pharmacy_finess']).doUpdateSet({ role: record.role, updated_at: now }),
        )
        .execute();
    },

    async pharmacy(finess) {
      const row = await summaries().where('p.finess', '=', finess).executeTakeFirst();
      return row && toSummary(row);
    },

    async pharmacies() {
      return (await summaries().orderBy('p.finess').execute()).map(toSummary);
    },

    async memberships(rpps) {
      return db
        .selectFrom('memberships as ms')
        .innerJoin('pharmacies as p', 'p.finess', 'ms.pharmacy_finess')
        .select(['p.finess', 'p.name as pharmacyName', 'ms.role'])
        .where('ms.rpps', '=', rpps)
        .orderBy('p.finess')
        .execute();
    },
  };
}
