import type { Kysely } from 'kysely';
import type { AuditTrail } from '../audit/trail.ts';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import { isMember } from '../messaging/store.ts';
import { mailboxStreamKey, patientStreamKey } from './bus.ts';
import { createInFlight } from './in-flight.ts';
import { mailboxJournalHead, patientJournalHead, readMailboxJournal, readPatientJournal } from './journal.ts';
import type { JournalFeed } from './stream.ts';

/**
 * Opening an event stream, as a use case: who may see which journal, and the audit record of
 * the opening (`events.open`: the mailbox for a professional, the patient's own space for a
 * patient — ids only). A pharmacy the professional does not work in answers NOT_FOUND, as an
 * unknown one does; only the audit record tells them apart. The returned feed re-checks the
 * membership whenever the stream asks (before sending, at each heartbeat).
 */
export interface OpenedFeed {
  /** Whose streams these are, for the per-person limit (no NIR: the audit pseudonym). */
  owner: string;
  feed: JournalFeed;
}

export interface EventStreams {
  mailbox(rpps: string, finess: string, context: { requestId: string | null }): Promise<OpenedFeed>;
  patient(matricule: string, context: { requestId: string | null }): Promise<OpenedFeed>;
}

export function createEventStreams(deps: {
  db: Kysely<Schema>;
  audit: AuditTrail;
  /** Sent in the pharmacy stream's `ready` event: when the counter app alerts again. */
  realertMinutes: number;
}): EventStreams {
  const { db, audit } = deps;
  // The streams of one mailbox, woken by the same hint, share their journal page and, per person,
  // their membership check (src/notifications/in-flight.ts).
  const once = createInFlight();

  const pharmacy = (finess: string) =>
    db
      .selectFrom('pharmacies as p')
      .innerJoin('mailboxes as m', (join) =>
        join.onRef('m.pharmacy_finess', '=', 'p.finess').on('m.kind', '=', 'ORG'),
      )
      .select(['m.id as mailboxId', 'p.opening_hours'])
      .where('p.finess', '=', finess)
      .executeTakeFirst();

  return {
    async mailbox(rpps, finess, context) {
      const actor = { kind: 'professional', rpps } as const;
      const found = await pharmacy(finess);
      const member = found !== undefined && (await isMember(db, rpps, finess));
      if (!found || !member) {
        await audit.record({
          actor,
          action: 'events.open',
          target: found?.mailboxId ?? null,
          requestId: context.requestId,
          result: found ? 'denied' : 'failure',
          reason: found ? 'OTHER_TENANT' : 'UNKNOWN_ID',
        });
        throw new DomainError('NOT_FOUND', 'Pharmacie introuvable.');
      }
      const { mailboxId } = found;
      await audit.record({
        actor,
        action: 'events.open',
        onBehalfOf: mailboxId,
        target: mailboxId,
        requestId: context.requestId,
        result: 'success',
      });
      return {
        owner: `pro:${rpps}:${finess}`,
        feed: {
          key: mailboxStreamKey(mailboxId),
          head: () => mailboxJournalHead(db, mailboxId),
          read: (after, limit) =>
            once(`read:${mailboxId}:${after}:${limit}`, () =>
              readMailboxJournal(db, mailboxId, after, limit),
            ),
          allowed: () => once(`member:${rpps}:${finess}`, () => isMember(db, rpps, finess)),
          ready: { realertMinutes: deps.realertMinutes, openingHours: found.opening_hours ?? null },
        },
      };
    },

    async patient(matricule, context) {
      const pseudonym = audit.patientPseudonym(matricule);
      await audit.record({
        actor: { kind: 'patient', pseudonym },
        action: 'events.open',
        requestId: context.requestId,
        result: 'success',
      });
      return {
        owner: `patient:${pseudonym}`,
        feed: {
          key: patientStreamKey(pseudonym),
          head: () => patientJournalHead(db, matricule),
          read: (after, limit) => readPatientJournal(db, matricule, after, limit),
          allowed: async () => true,
        },
      };
    },
  };
}
