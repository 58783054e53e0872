import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { DomainError } from '../domain-error.ts';
import { appendMailboxJournal, appendPatientJournal } from '../notifications/journal.ts';
import { type ActionContext, idempotencyActor, type PatientActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { apply, newConversation } from './conversation.ts';
import {
  checkIdempotencyKey,
  claimKey,
  type IdempotentRequest,
  requestHash,
  saveResult,
  storedResult,
} from './idempotency.ts';
import { ownConversation as own, patientTrace } from './patient-access.ts';
import type { PatientMessaging, PatientSendResult } from './patient-messaging.ts';
import { asId, notFound, type Trace } from './perform.ts';
import { consumeQuota } from './quotas.ts';
import {
  appendMessage,
  insertConversation,
  lockConversation,
  markPatientRead,
  pharmacyMailbox,
  saveState,
  stateOf,
} from './store.ts';
import { checkAttachments, checkFiness, checkStored, checkSubject, checkText } from './validate.ts';
import { fullName, messageView, patientSummary } from './views.ts';

/**
 * What a patient sends: a new conversation (eligibility checked here, on the server, every time)
 * or a reply; both with quotas and Idempotency-Key.
 */
export function createPatientSending(
  ctx: MessagingContext,
): Pick<PatientMessaging, 'startConversation' | 'reply'> {
  const { store, audit, clock, eligibility, perform } = ctx;
  const db = store.db;
  const trace = (patient: PatientActor, action: string, context?: ActionContext) =>
    patientTrace(audit, patient, action, context);

  const idempotent = (
    patient: PatientActor,
    context: ActionContext | undefined,
    operation: string,
    parts: readonly unknown[],
  ): IdempotentRequest | null => {
    const key = checkIdempotencyKey(context?.idempotencyKey);
    return key === null
      ? null
      : {
          actor: idempotencyActor(patient),
          key,
          operation,
          requestSha256: requestHash([operation, ...parts]),
        };
  };
  const blobs = (attachments: readonly ProcessedAttachment[]) => attachments.map((a) => a.blob.sha256);

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
        const request = idempotent(patient, context, 'conversation.start', [
          finess,
          subject,
          text,
          blobs(attachments),
        ]);
        if (request) {
          const first = await storedResult<PatientSendResult>(db, request);
          if (first) return replayed(t, first);
        }
        // The rule, on the server, at every new conversation, whatever the client says.
        const verdict = await eligibility.check(patient.matricule, finess);
        if (!verdict.verdict.eligible) {
          throw new DomainError('PHARMACY_NOT_ELIGIBLE', verdict.explanation, {
            reason: verdict.verdict.reason,
            explanation: verdict.explanation,
            ...('eligibleUntil' in verdict.verdict ? { eligibleUntil: verdict.verdict.eligibleUntil } : {}),
          });
        }
        await checkStored(ctx.blobs, attachments);
        const pharmacy = await pharmacyMailbox(db, finess);
        if (!pharmacy?.mailboxId || !pharmacy.published)
          throw new Error('eligible pharmacy without a published mailbox');
        const mailboxId = pharmacy.mailboxId;

        return transact(async (trx) => {
          if (request) {
            const { replay } = await claimKey<PatientSendResult>(trx, request, clock.now().toISOString());
            if (replay) return replayed(t, replay);
          }
          const now = clock.now();
          const at = now.toISOString();
          await consumeQuota(trx, patient.matricule, 'conversations-day', ctx.quotas, now);
          await consumeQuota(trx, patient.matricule, 'messages-minute', ctx.quotas, now);
          await consumeQuota(trx, patient.matricule, 'messages-day', ctx.quotas, now);
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
          const result: PatientSendResult = {
            conversation: patientSummary(appended.conversation, pharmacy.name, 1),
            message: messageView(appended.message, appended.attachments, {
              patient: fullName(patient.givenNames, patient.familyName),
              pharmacy: pharmacy.name,
              professionals: new Map(),
            }),
          };
          if (request) await saveResult(trx, request, result);
          return result;
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
        const request = idempotent(patient, context, 'message.reply', [id, text, blobs(attachments)]);
        if (request) {
          const first = await storedResult<PatientSendResult>(db, request);
          if (first) return replayed(t, first);
        }
        await checkStored(ctx.blobs, attachments);
        return transact(async (trx) => {
          if (request) {
            const { replay } = await claimKey<PatientSendResult>(trx, request, clock.now().toISOString());
            if (replay) return replayed(t, replay);
          }
          const now = clock.now();
          const at = now.toISOString();
          await consumeQuota(trx, patient.matricule, 'messages-minute', ctx.quotas, now);
          await consumeQuota(trx, patient.matricule, 'messages-day', ctx.quotas, now);
          const row = own(await lockConversation(trx, id), patient);
          const state = apply(stateOf(row), { type: 'patient_message' }, now, ctx.timeZone);
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
          const result: PatientSendResult = {
            conversation: patientSummary(appended.conversation, pharmacyName, position),
            message: messageView(appended.message, appended.attachments, {
              patient: fullName(patient.givenNames, patient.familyName),
              pharmacy: pharmacyName,
              professionals: new Map(),
            }),
          };
          if (request) await saveResult(trx, request, result);
          return result;
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
