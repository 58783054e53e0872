import type { ProcessedAttachment } from '../attachments/attachment.ts';
import type { DomainError } from '../domain-error.ts';
import type { HistoryEntry, PharmacyVerdict, WritablePharmacy } from '../eligibility/service.ts';
import { appendPatientJournal } from '../notifications/journal.ts';
import type { ActionContext, PatientActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { listPatientConversations, type PageRequest } from './listing.ts';
import { ownConversation as own, patientTrace } from './patient-access.ts';
import { createPatientSending } from './patient-sending.ts';
import { asId, notFound } from './perform.ts';
import {
  type AttachmentDownload,
  type ConversationDetail,
  conversationDetail,
  downloadOf,
} from './reading.ts';
import { createPatientPrechecks, type PatientReplyPrecheck, type StartPrecheck } from './send-precheck.ts';
import { findAttachment, findConversation, markPatientRead, pharmacyMailbox } from './store.ts';
import { checkFiness } from './validate.ts';
import { type MessageView, type Page, type PatientConversationSummary, patientSummary } from './views.ts';

export interface StartConversationInput {
  finess: string;
  subject: string;
  text: string;
  /** Already processed and durably stored by the attachment pipeline. */
  attachments: readonly ProcessedAttachment[];
}

export interface PatientReplyInput {
  text: string;
  attachments?: readonly ProcessedAttachment[];
}

export interface PatientSendResult {
  conversation: PatientConversationSummary;
  message: MessageView;
}

export type PatientConversationDetail = ConversationDetail<PatientConversationSummary>;

export interface PatientMessaging {
  /** The pharmacies this patient may write to today, with the eligibility explanation. */
  eligiblePharmacies(patient: PatientActor, context?: ActionContext): Promise<WritablePharmacy[]>;
  /**
   * Every pharmacy of the patient's reimbursement history, eligible or not, each with its verdict
   * and explanation: the patient app lists the ones they cannot write to, and says why.
   */
  pharmacyHistory(patient: PatientActor, context?: ActionContext): Promise<HistoryEntry[]>;
  /** Why a pharmacy is (not) open to this patient. */
  checkPharmacy(patient: PatientActor, finess: string, context?: ActionContext): Promise<PharmacyVerdict>;
  /**
   * The checks of a start that need no file (the fields, the key, eligibility, quotas), read-only:
   * the HTTP layer runs them before it processes the files, so an obvious refusal writes no blob
   * (send-precheck.ts).
   */
  precheckStart(patient: PatientActor, input: StartPrecheck, context?: ActionContext): Promise<void>;
  /** The checks of a reply that need no file (the fields, the key, quotas, the conversation is theirs and open). */
  precheckReply(
    patient: PatientActor,
    conversationId: string,
    input: PatientReplyPrecheck,
    context?: ActionContext,
  ): Promise<void>;
  /** Counts a refused send against the patient's `refused-sends-hour` quota (quotas.ts). */
  countRefusedSend(patient: PatientActor, error: DomainError): Promise<void>;
  startConversation(
    patient: PatientActor,
    input: StartConversationInput,
    context?: ActionContext,
  ): Promise<PatientSendResult>;
  reply(
    patient: PatientActor,
    conversationId: string,
    input: PatientReplyInput,
    context?: ActionContext,
  ): Promise<PatientSendResult>;
  listConversations(
    patient: PatientActor,
    page?: PageRequest,
    context?: ActionContext,
  ): Promise<Page<PatientConversationSummary>>;
  /** The conversation with its messages; marks it read for the patient. */
  openConversation(
    patient: PatientActor,
    conversationId: string,
    context?: ActionContext,
  ): Promise<PatientConversationDetail>;
  /** An attachment of one of the patient's conversations, for download. */
  attachment(
    patient: PatientActor,
    attachmentId: string,
    context?: ActionContext,
  ): Promise<AttachmentDownload>;
}

/** The patient's use cases: their own conversations only (patient-access.ts). */
export function createPatientMessaging(ctx: MessagingContext): PatientMessaging {
  const { store, audit, clock, eligibility, perform } = ctx;
  const db = store.db;
  const trace = (patient: PatientActor, action: string, context?: ActionContext) =>
    patientTrace(audit, patient, action, context);

  return {
    ...createPatientSending(ctx),
    ...createPatientPrechecks(ctx),
    eligiblePharmacies(patient, context) {
      return perform(trace(patient, 'messaging.pharmacies.list', context), () =>
        eligibility.writablePharmacies(patient.matricule),
      );
    },

    pharmacyHistory(patient, context) {
      return perform(trace(patient, 'messaging.pharmacies.history', context), () =>
        eligibility.history(patient.matricule),
      );
    },

    checkPharmacy(patient, finess, context) {
      return perform(trace(patient, 'messaging.pharmacy.check', context), async (_, t) => {
        const site = checkFiness(finess);
        t.target = site;
        return eligibility.check(patient.matricule, site);
      });
    },

    listConversations(patient, page, context) {
      return perform(trace(patient, 'messaging.conversation.list', context), () =>
        listPatientConversations(db, { matricule: patient.matricule, ...page }),
      );
    },

    openConversation(patient, conversationId, context) {
      return perform(trace(patient, 'messaging.conversation.open', context), async (transact, t) => {
        const id = asId(conversationId);
        if (id === null) throw notFound('UNKNOWN_ID');
        t.target = id;
        const row = own(await findConversation(db, id), patient);
        const pharmacy = await pharmacyMailbox(db, row.pharmacy_finess);
        const pharmacyName = pharmacy?.name ?? row.pharmacy_finess;
        return transact(async (trx) => {
          const detail = await conversationDetail(
            trx,
            (await findConversation(trx, id)) ?? row,
            pharmacyName,
          );
          const last = detail.messages.at(-1);
          const at = clock.now().toISOString();
          if (
            last &&
            (await markPatientRead(trx, id, { position: detail.row.message_count, messageId: last.id }, at))
          ) {
            await appendPatientJournal(trx, patient.matricule, 'read', id, at);
          }
          return {
            conversation: patientSummary(detail.row, pharmacyName, detail.row.message_count),
            messages: detail.messages,
          };
        });
      });
    },

    attachment(patient, attachmentId, context) {
      return perform(trace(patient, 'messaging.attachment.download', context), async (_, t) => {
        const id = asId(attachmentId);
        if (id === null) throw notFound('UNKNOWN_ID', 'Pièce jointe introuvable.');
        t.target = id;
        const attachment = await findAttachment(db, id);
        if (!attachment) throw notFound('UNKNOWN_ID', 'Pièce jointe introuvable.');
        const conversation = await findConversation(db, attachment.conversation_id);
        if (conversation?.patient_matricule !== patient.matricule)
          throw notFound('OTHER_TENANT', 'Pièce jointe introuvable.');
        return downloadOf(attachment);
      });
    },
  };
}
