import type { PharmacyRecord } from '../../src/directory/pharmacy-row.ts';

/** A directory record for tests: what differs between tests is the FINESS, name and mailbox. */
export const pharmacyRecord = (
  finess: string,
  name: string,
  mailbox: PharmacyRecord['mailbox'] = null,
  phone: string | null = null,
): PharmacyRecord => ({
  finess,
  legalFiness: null,
  name,
  address: '1 rue X',
  postcode: '75001',
  city: 'Paris',
  departement: finess.slice(0, 2),
  phone,
  openingHours: null,
  mailbox,
});

/** An ORG mailbox `<local>@pharmacie.mssante.fr`, published unless on the liste rouge. */
export const orgMailbox = (local: string, published = true) => ({
  address: `${local}@pharmacie.mssante.fr`,
  published,
});
