/**
 * Table types shared by both engines. Dates are `YYYY-MM-DD` strings and instants are ISO-8601
 * UTC strings on both engines (PostgreSQL `date`/`timestamptz` are parsed back to those strings
 * in connect.ts), and booleans are 0/1 integers, so one code path serves SQLite and PostgreSQL.
 */
export interface Schema {
  pharmacies: PharmacyTable;
  mailboxes: MailboxTable;
  professionals: ProfessionalTable;
  memberships: MembershipTable;
  patients: PatientTable;
  eligibility: EligibilityTable;
  import_runs: ImportRunTable;
}

export interface PharmacyTable {
  /** Site (ET) FINESS number: messages and reimbursements refer to the site. */
  finess: string;
  legal_finess: string | null;
  name: string;
  address: string;
  postcode: string;
  city: string;
  departement: string;
  phone: string | null;
  opening_hours: string | null;
  updated_at: string;
}

export interface MailboxTable {
  id: string;
  /** Never changes after creation (MSSanté rule), nor does `kind`. */
  address: string;
  kind: 'ORG' | 'PER' | 'APP' | 'CAB';
  pharmacy_finess: string | null;
  /** 1 = published in the directory; 0 = "liste rouge". */
  published: number;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProfessionalTable {
  rpps: string;
  family_name: string;
  given_name: string;
  updated_at: string;
}

export type MembershipRole = 'titulaire' | 'adjoint' | 'preparateur';

export interface MembershipTable {
  rpps: string;
  pharmacy_finess: string;
  role: MembershipRole;
  updated_at: string;
}

export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

export interface PatientTable {
  /** Matricule INS (NIR or NIA with its key), 15 characters. */
  matricule: string;
  /** Assigning authority: NIR `1.2.250.1.213.1.4.8` or NIA `1.2.250.1.213.1.4.9`. */
  oid: string;
  identity_status: IdentityStatus;
  family_name: string;
  given_names: string;
  birth_date: string;
  sex: 'M' | 'F';
  /** INSEE code of the birthplace (commune, or 99xxx country code). */
  birthplace_code: string;
  created_at: string;
}

export interface EligibilityTable {
  matricule: string;
  finess: string;
  last_reimbursed_on: string;
}

export interface ImportRunTable {
  id: string;
  kind: 'dispensations' | 'directory';
  sha256: string;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_skipped: number;
  pairs_changed: number;
  started_at: string;
  finished_at: string;
}
