import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { appendMailboxJournal, appendPatientJournal } from '../notifications/journal.ts';
import type { ActionContext, PatientActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { newConversation } from './conversation.ts';
import { idempotent } from './idempotency.ts';
import { patientTrace } from './patient-access.ts';
import type { PatientMessaging, PatientSendResult } from './patient-messaging.ts';
import { asId, notFound, type Trace } from './perform.ts';
import { consumeQuotas, REPLY_QUOTAS, START_QUOTAS } from './quotas.ts';
import { acceptPatientMessage, checkEligible, patientReplyRequest, startRequest } from './send-checks.ts';
import {
  appendMessage,
  insertConversation,
  lockConversation,
  markPatientRead,
  pharmacyMailbox,
  saveState,
} from './store.ts';
import { checkAttachments, checkFiness, checkStored, checkSubject, checkText } from './validate.ts';
import { fullName, messageView, patientSummary } from './views.ts';

/**
 * What a patient sends: a new conversation (eligibility checked here, on the server, every time)
 * or a reply; both with quotas and Idempotency-Key. The checks that need no file are shared with
 * the precheck the HTTP layer runs before the files are processed (send-checks.ts).
 */
export function createPatientSending(
  ctx: MessagingContext,
): Pick<PatientMessaging, 'startConversation' | 'reply'> {
  const { store, audit, clock, eligibility, perform } = ctx;
  const db = store.db;
  const trace = (patient: PatientActor, action: string, context?: ActionContext) =>
    patientTrace(audit, patient, action, context);
  const sources = (attachments: readonly ProcessedAttachment[]) => attachments.map((a) => a.sourceSha256);
  const once = (t: Trace) => ({
    now: () => clock.now().toISOString(),
    replayed: (first: PatientSendResult) => replayed(t, first),
  });

  return {
    startConversation(patient, input, context) {
      return perform(trace(patient, 'messaging.conversation.start', context), async (transact, t) => {
        const finess = checkFiness(input.finess);
        t.target = finess;
        const subject = checkSubject(input.subject);
        const text = checkText(input.text, { allowEmpty: true });
        const attachments = checkAttachments(input.attachments, {
          min: ctx.attachmentLimits.minFiles,
          max: ctx.attachmentLimits.maxFiles,
        });
        const request = startRequest(patient, context?.idempotencyKey, {
          finess,
          subject,
          text,
          sources: sources(attachments),
        });
        return idempotent(db, request, once(t), async (claimed) => {
          await checkEligible(eligibility, patient, finess);
          await checkStored(ctx.blobs, attachments);
          const pharmacy = await pharmacyMailbox(db, finess);
          if (!pharmacy?.mailboxId || !pharmacy.published)
            throw new Error('eligible pharmacy without a published mailbox');
          const mailboxId = pharmacy.mailboxId;

          return transact(
            claimed(async (trx) => {
              const now = clock.now();
              const at = now.toISOString();
              await consumeQuotas(trx, patient.matricule, START_QUOTAS, ctx.quotas, now);
              const created = await insertConversation(trx, {
                pharmacyFiness: finess,
                mailboxId,
                patient,
                subject,
                state: newConversation(now),
              });
              t.target = created.id;
              const appended = await appendMessage(trx, created, {
                author: { kind: 'patient', id: patient.matricule },
                body: text,
                attachments,
                at,
                messageIdDomain: ctx.messageIdDomain,
              });
              await markPatientRead(trx, created.id, { position: 1, messageId: appended.message.id }, at);
              await appendMailboxJournal(trx, mailboxId, 'conversation.new', created.id, at);
              await appendPatientJournal(trx, patient.matricule, 'conversation.new', created.id, at);
              return {
                conversation: patientSummary(appended.conversation, pharmacy.name, 1),
                message: messageView(appended.message, appended.attachments, {
                  patient: fullName(patient.givenNames, patient.familyName),
                  pharmacy: pharmacy.name,
                  professionals: new Map(),
                }),
              };
            }),
          );
        });
      });
    },

    reply(patient, conversationId, input, context) {
      return perform(trace(patient, 'messaging.message.reply', context), async (transact, t) => {
        const id = asId(conversationId);
        if (id === null) throw notFound('UNKNOWN_ID');
        t.target = id;
        const text = checkText(input.text, { allowEmpty: (input.attachments?.length ?? 0) > 0 });
        const attachments = checkAttachments(input.attachments, {
          min: 0,
          max: ctx.attachmentLimits.maxFiles,
        });
        const request = patientReplyRequest(patient, context?.idempotencyKey, {
          id,
          text,
          sources: sources(attachments),
        });
        return idempotent(db, request, once(t), async (claimed) => {
          await checkStored(ctx.blobs, attachments);
          return transact(
            claimed(async (trx) => {
              const now = clock.now();
              const at = now.toISOString();
              await consumeQuotas(trx, patient.matricule, REPLY_QUOTAS, ctx.quotas, now);
              const { row, state } = acceptPatientMessage(
                await lockConversation(trx, id),
                patient,
                now,
                ctx.timeZone,
              );
              const saved = await saveState(trx, row, state);
              const appended = await appendMessage(trx, saved, {
                author: { kind: 'patient', id: patient.matricule },
                body: text,
                attachments,
                at,
                messageIdDomain: ctx.messageIdDomain,
              });
              const position = appended.message.position;
              await markPatientRead(trx, id, { position, messageId: appended.message.id }, at);
              await appendMailboxJournal(trx, row.mailbox_id, 'message.patient', id, at);
              await appendPatientJournal(trx, patient.matricule, 'message.patient', id, at);
              const pharmacy = await pharmacyMailbox(trx, row.pharmacy_finess);
              const pharmacyName = pharmacy?.name ?? row.pharmacy_finess;
              return {
                conversation: patientSummary(appended.conversation, pharmacyName, position),
                message: messageView(appended.message, appended.attachments, {
                  patient: fullName(patient.givenNames, patient.familyName),
                  pharmacy: pharmacyName,
                  professionals: new Map(),
                }),
              };
            }),
          );
        });
      });
    },
  };
}

/** A retry with the same Idempotency-Key: the first result, nothing written. */
function replayed<T extends { conversation: { id: string } }>(trace: Trace, result: T): T {
  trace.reason = 'IDEMPOTENT_REPLAY';
  trace.target = result.conversation.id;
  return result;
}
