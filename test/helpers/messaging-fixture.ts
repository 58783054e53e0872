import { createHash, randomBytes } from 'node:crypto';
import type { ProcessedAttachment } from '../../src/attachments/attachment.ts';
import { DEFAULT_LIMITS } from '../../src/attachments/limits.ts';
import { createAuditTrail } from '../../src/audit/chained-trail.ts';
import type { AuditTrail } from '../../src/audit/trail.ts';
import type { Schema } from '../../src/db/schema.ts';
import { createDirectoryStore } from '../../src/directory/store.ts';
import { createEligibilityService } from '../../src/eligibility/service.ts';
import { createEligibilityStore } from '../../src/eligibility/store.ts';
import { DEFAULT_QUOTAS, type QuotaLimits } from '../../src/messaging/limits.ts';
import {
  createMessagingService,
  type MessagingDeps,
  type MessagingService,
  type PatientActor,
  type TeamMember,
} from '../../src/messaging/service.ts';
import type { Clock } from '../../src/time/clock.ts';
import { TEST_CHAIN_KEY } from './audit-keys.ts';
import { finessFrom, nirFrom, rppsFrom } from './identifiers.ts';
import type { TestStore } from './test-store.ts';

/**
 * A store with two pharmacy teams and patients whose eligibility tells the stories the messaging
 * tests need, and a messaging service over it with a movable clock.
 * Today is 2026-03-15 (Paris).
 */
export const TODAY = '2026-03-15';
export const MARKET = finessFrom('75000001');
export const STATION = finessFrom('69000002');
/** Eligibility ended on 2026-02-20: last month. */
export const EXPIRED = finessFrom('13000003');
/** Its mailbox is not published ("liste rouge"). */
export const HIDDEN = finessFrom('33000004');

export const ALICE = rppsFrom('1000000001');
export const BOB = rppsFrom('1000000002');
export const CAROL = rppsFrom('1000000003');

export const camille: PatientActor = {
  matricule: nirFrom('2880675112214'),
  givenNames: 'Camille',
  familyName: 'Martin',
};
export const david: PatientActor = {
  matricule: nirFrom('1791169383087'),
  givenNames: 'David',
  familyName: 'Bernard',
};

export const alice: TeamMember = { kind: 'professional', rpps: ALICE };
export const bob: TeamMember = { kind: 'professional', rpps: BOB };
export const carol: TeamMember = { kind: 'professional', rpps: CAROL };
export const marketSoftware: TeamMember = {
  kind: 'software',
  credentialId: '0195f3a2-0000-7000-8000-00000000a001',
  finess: MARKET,
};

export interface MessagingFixture {
  store: TestStore;
  audit: AuditTrail;
  clock: Clock & { set(iso: string): void; advance(ms: number): void };
  service: MessagingService;
  /** Another service on the same store, with other quotas. */
  /** Quotas left out keep the fixture's (as good as unlimited). */
  withQuotas(quotas: Partial<QuotaLimits>): MessagingService;
  /** The service's dependencies, for services built with other ones. */
  deps: MessagingDeps;
  /** How many rows a table holds. */
  rowCount(table: keyof Schema): Promise<number>;
  /** The mailbox a conversation belongs to (its journal's key). */
  mailboxOf(conversationId: string): Promise<string>;
  dispose(): Promise<void>;
}

export const MESSAGE_ID_DOMAIN = 'mss.officine.test';

/** `store`: a fresh one from openTestStore() (the runner's PostgreSQL pass looks for that call). */
export async function openMessagingFixture(store: TestStore): Promise<MessagingFixture> {
  let now = new Date(`${TODAY}T09:00:00.000Z`);
  const clock = {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
  const at = now.toISOString();
  const directory = createDirectoryStore(store.db);
  const pharmacies: Array<[string, string, boolean]> = [
    [MARKET, 'Pharmacie du Marché', true],
    [STATION, 'Pharmacie de la Gare', true],
    [EXPIRED, 'Pharmacie du Port', true],
    [HIDDEN, 'Pharmacie des Quais', false],
  ];
  for (const [finess, name, published] of pharmacies) {
    await directory.savePharmacy(
      {
        finess,
        legalFiness: null,
        name,
        address: '1 rue X',
        postcode: `${finess.slice(0, 2)}000`,
        city: 'Ville',
        departement: finess.slice(0, 2),
        phone: null,
        openingHours: null,
        mailbox: { address: `officine.${finess}@pharmacie.mssante.fr`, published },
      },
      at,
    );
  }
  for (const [rpps, given, family, finess] of [
    [ALICE, 'Alice', 'Dubois', MARKET],
    [BOB, 'Bob', 'Lefèvre', MARKET],
    [CAROL, 'Carol', 'Moreau', STATION],
  ] as const) {
    await directory.saveProfessional(
      { rpps, givenName: given, familyName: family, finess, role: 'adjoint' },
      at,
    );
  }
  await store.db
    .insertInto('eligibility')
    .values([
      { matricule: camille.matricule, finess: MARKET, last_reimbursed_on: '2026-01-10' },
      { matricule: camille.matricule, finess: STATION, last_reimbursed_on: '2025-12-01' },
      { matricule: camille.matricule, finess: EXPIRED, last_reimbursed_on: '2025-02-20' },
      { matricule: camille.matricule, finess: HIDDEN, last_reimbursed_on: '2026-02-01' },
      { matricule: david.matricule, finess: STATION, last_reimbursed_on: '2026-03-01' },
    ])
    .execute();

  const audit = createAuditTrail(store, { key: randomBytes(32), chainKey: TEST_CHAIN_KEY, clock });
  const eligibility = createEligibilityService({
    store: createEligibilityStore(store),
    clock,
    windowMonths: 12,
  });
  const deps: MessagingDeps = {
    store,
    audit,
    clock,
    eligibility,
    messageIdDomain: MESSAGE_ID_DOMAIN,
    quotas: {
      ...DEFAULT_QUOTAS,
      messagesPerMinute: 1000,
      messagesPerDay: 1000,
      conversationsPerDay: 1000,
      refusedSendsPerHour: 1000,
    },
    attachmentLimits: DEFAULT_LIMITS,
  };
  return {
    store,
    audit,
    clock,
    service: createMessagingService(deps),
    withQuotas: (quotas) => createMessagingService({ ...deps, quotas: { ...deps.quotas, ...quotas } }),
    deps,
    rowCount: async (table) =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    mailboxOf: async (conversationId) =>
      (
        await store.db
          .selectFrom('conversations')
          .select('mailbox_id')
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).mailbox_id,
    dispose: () => store.dispose(),
  };
}

/** A processed attachment as the pipeline would hand it over (blob refs only, no bytes). */
export function photo(
  label = randomBytes(8).toString('hex'),
  prescriptionNumbers: string[] = [],
): ProcessedAttachment {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  return {
    kind: 'image',
    mediaType: 'image/jpeg',
    sourceType: 'image/heic',
    sourceSha256: sha(`source ${label}`),
    sourceSize: 2_345_678,
    fileName: `ordonnance-${label}.jpg`,
    blob: { sha256: sha(`blob ${label}`), size: 123_456 },
    thumbnail: { sha256: sha(`thumb ${label}`), size: 4_567 },
    width: 3024,
    height: 4032,
    pages: null,
    flags: [],
    prescriptionNumbers,
  };
}

export function pdf(label = randomBytes(8).toString('hex')): ProcessedAttachment {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  return {
    kind: 'pdf',
    mediaType: 'application/pdf',
    sourceType: 'application/pdf',
    sourceSha256: sha(`pdf ${label}`),
    sourceSize: 45_678,
    fileName: `document-${label}.pdf`,
    blob: { sha256: sha(`pdf ${label}`), size: 45_678 },
    thumbnail: null,
    width: null,
    height: null,
    pages: 2,
    flags: ['PDF_JAVASCRIPT'],
    prescriptionNumbers: [],
  };
}
