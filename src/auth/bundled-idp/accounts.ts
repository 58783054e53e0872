import type { Kysely } from 'kysely';
import type { AccountClaims } from 'oidc-provider';
import type { Population } from '../../config.ts';
import type { Schema } from '../../db/schema.ts';
import { DEMO_ACCOUNTS } from '../../demo/accounts.ts';
import { parseNationalId, RPPS_PREFIX } from '../../identity/national-id.ts';
import { parseNir } from '../../identity/nir.ts';
import { parseRpps } from '../../identity/rpps.ts';

/**
 * The bundled provider's accounts: patients by matricule INS from the `patients` table (qualified
 * identities only), professionals by RPPS from `professionals`. Account ids (`sub`) name the
 * population: `patient-<matricule>`, `pro-<rpps>`.
 */
export interface AccountChoice {
  /** What the form submits: the matricule or the RPPS. */
  identifier: string;
  label: string;
}

export type AccountLookup =
  | { ok: true; accountId: string }
  | { ok: false; problem: 'MALFORMED' | 'UNKNOWN' | 'NOT_QUALIFIED'; message: string };

/** The acr each population's demo login asserts (Mon espace santé: substantial; e-CPS: low). */
export const DEMO_ACR: Record<Population, string> = { patient: 'eidas2', professional: 'eidas1' };

const PATIENT_PREFIX = 'patient-';
const PRO_PREFIX = 'pro-';

const GENDER = { F: 'female', M: 'male' } as const;

export function createIdpAccounts(db: Kysely<Schema>) {
  async function qualifiedPatient(matricule: string) {
    return db
      .selectFrom('patients')
      .selectAll()
      .where('matricule', '=', matricule)
      .where('identity_status', '=', 'QUAL')
      .executeTakeFirst();
  }

  async function professional(rpps: string) {
    return db.selectFrom('professionals').selectAll().where('rpps', '=', rpps).executeTakeFirst();
  }

  return {
    /** The demo accounts present in the store, for the form's list. */
    async choices(population: Population): Promise<AccountChoice[]> {
      if (population === 'patient') {
        const wanted = DEMO_ACCOUNTS.patients.map((p) => p.matricule);
        const rows = await db
          .selectFrom('patients')
          .select(['matricule', 'given_names', 'family_name'])
          .where('matricule', 'in', wanted)
          .where('identity_status', '=', 'QUAL')
          .execute();
        return wanted.flatMap((m) => {
          const row = rows.find((r) => r.matricule === m);
          return row ? [{ identifier: m, label: `${row.given_names} ${row.family_name}` }] : [];
        });
      }
      const wanted = DEMO_ACCOUNTS.professionals.map((p) => p.rpps);
      const rows = await db
        .selectFrom('professionals')
        .select(['rpps', 'given_name', 'family_name'])
        .where('rpps', 'in', wanted)
        .execute();
      return wanted.flatMap((rpps) => {
        const row = rows.find((r) => r.rpps === rpps);
        const demo = DEMO_ACCOUNTS.professionals.find((p) => p.rpps === rpps);
        return row
          ? [
              {
                identifier: rpps,
                label: `${row.given_name} ${row.family_name}${demo ? `, ${demo.pharmacy}` : ''}`,
              },
            ]
          : [];
      });
    },

    /** The account a typed or chosen identifier names. Messages are French and never repeat it. */
    async lookup(population: Population, input: string): Promise<AccountLookup> {
      if (population === 'patient') {
        const nir = parseNir(input);
        if (!nir.ok) return { ok: false, problem: 'MALFORMED', message: nir.message };
        const patient = await db
          .selectFrom('patients')
          .select(['identity_status'])
          .where('matricule', '=', nir.nir.value)
          .executeTakeFirst();
        if (!patient) {
          return { ok: false, problem: 'UNKNOWN', message: 'Aucun compte ne correspond à ce matricule INS.' };
        }
        if (patient.identity_status !== 'QUAL') {
          return {
            ok: false,
            problem: 'NOT_QUALIFIED',
            message:
              'L’identité de ce patient n’est pas qualifiée (statut INS autre que « qualifiée ») : il ne peut pas se connecter.',
          };
        }
        return { ok: true, accountId: PATIENT_PREFIX + nir.nir.value };
      }
      // A bare RPPS (11 digits), or the national id 8 + RPPS (12).
      const compact = input.replace(/[\s.]/g, '');
      const parsed =
        compact.length === 12
          ? (() => {
              const id = parseNationalId(compact);
              if (!id.ok) return { ok: false as const, message: id.message };
              if (id.id.kind !== 'professional') {
                return { ok: false as const, message: "Ce numéro n'identifie pas un professionnel." };
              }
              return { ok: true as const, rpps: id.id.rpps.value };
            })()
          : (() => {
              const r = parseRpps(compact);
              return r.ok
                ? { ok: true as const, rpps: r.rpps.value }
                : { ok: false as const, message: r.message };
            })();
      if (!parsed.ok) return { ok: false, problem: 'MALFORMED', message: parsed.message };
      const rpps = parsed.rpps;
      if (!(await professional(rpps))) {
        return {
          ok: false,
          problem: 'UNKNOWN',
          message: 'Aucun professionnel ne correspond à ce numéro RPPS.',
        };
      }
      return { ok: true, accountId: PRO_PREFIX + rpps };
    },

    /** oidc-provider's findAccount: the claims of an account id, or undefined when it is gone. */
    async claims(accountId: string): Promise<AccountClaims | undefined> {
      if (accountId.startsWith(PATIENT_PREFIX)) {
        const row = await qualifiedPatient(accountId.slice(PATIENT_PREFIX.length));
        if (!row) return undefined;
        return {
          sub: accountId,
          given_name: row.given_names,
          family_name: row.family_name,
          birthdate: row.birth_date,
          gender: GENDER[row.sex],
          ins_matricule: row.matricule,
          ins_oid: row.oid,
          ins_status: row.identity_status,
        };
      }
      if (accountId.startsWith(PRO_PREFIX)) {
        const row = await professional(accountId.slice(PRO_PREFIX.length));
        if (!row) return undefined;
        return {
          sub: accountId,
          SubjectNameID: RPPS_PREFIX + row.rpps,
          given_name: row.given_name,
          family_name: row.family_name,
        };
      }
      return undefined;
    },

    populationOf(accountId: string): Population | null {
      if (accountId.startsWith(PATIENT_PREFIX)) return 'patient';
      if (accountId.startsWith(PRO_PREFIX)) return 'professional';
      return null;
    },
  };
}

export type IdpAccounts = ReturnType<typeof createIdpAccounts>;
