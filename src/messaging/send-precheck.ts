import type { DomainError } from '../domain-error.ts';
import { type ActionContext, idempotencyActor, type PatientActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { type IdempotentRequest, keyState } from './idempotency.ts';
import { patientTrace } from './patient-access.ts';
import type { PatientMessaging } from './patient-messaging.ts';
import { asId, notFound } from './perform.ts';
import { checkQuotas, countRefusedSend, isRefusedSendsQuota, REPLY_QUOTAS, START_QUOTAS } from './quotas.ts';
import {
  acceptPatientMessage,
  acceptTeamMessage,
  checkEligible,
  checkTemplateOf,
  patientReplyRequest,
  replyTemplateId,
  startRequest,
  teamReplyRequest,
} from './send-checks.ts';
import { findConversation } from './store.ts';
import { teamConversation, teamTrace } from './team-access.ts';
import type { TeamMessaging } from './team-messaging.ts';
import { checkAttachmentCount, checkFiness, checkSubject, checkText } from './validate.ts';

/**
 * Prechecks of the sends, for the HTTP layer to call before it processes the files of a request:
 * every check of the use case that needs no processed file — the fields, the Idempotency-Key,
 * eligibility, quotas, the conversation — with the same code, read-only, in the same order. An
 * obvious refusal then costs no upload processing and writes no blob. A refusal is audited as the
 * send's; a pass records nothing, the send itself decides and is audited.
 *
 * `files` is null before the files are received (at least one follows), else the SHA-256 of each
 * received file as sent: then the count is checked, and a reused Idempotency-Key is refused for a
 * request whose fingerprint differs — unless documents of the health record come too (their
 * bytes are only known once fetched). A request whose key was already used for the same request
 * passes: the send replays the first result before any other check (a retry must not be refused
 * because the first attempt used the quota or the conversation was closed since).
 *
 * Every refused send counts against `refused-sends-hour` (`countRefusedSend`), checked first here.
 */
export interface StartPrecheck {
  finess: string;
  subject: string;
  text: string;
  documentIds?: readonly string[] | undefined;
  files: readonly string[] | null;
}

export interface PatientReplyPrecheck {
  text: string;
  documentIds?: readonly string[] | undefined;
  files: readonly string[] | null;
}

export interface TeamReplyPrecheck {
  text?: string | undefined;
  templateId?: string | undefined;
  files: readonly string[] | null;
}

/** The key's state for the precheck: the whole fingerprint only when it is known. */
function keyOf(request: IdempotentRequest | null, complete: boolean) {
  return request && { ...request, requestSha256: complete ? request.requestSha256 : null };
}

/** How many attachments the send has at least, and the count check once all are known. */
function checkCount(
  input: { documentIds?: readonly string[] | undefined; files: readonly string[] | null },
  count: { min: number; max: number },
): number {
  const documents = input.documentIds?.length ?? 0;
  // Before the files, at least one is coming.
  const known = documents + (input.files?.length ?? 1);
  checkAttachmentCount(known, input.files === null ? { min: 0, max: count.max } : count);
  return documents;
}

export function createPatientPrechecks(
  ctx: MessagingContext,
): Pick<PatientMessaging, 'precheckStart' | 'precheckReply' | 'countRefusedSend'> {
  const { store, audit, clock, eligibility, perform } = ctx;
  const db = store.db;
  const { minFiles, maxFiles } = ctx.attachmentLimits;
  const trace = (patient: PatientActor, action: string, context?: ActionContext) =>
    patientTrace(audit, patient, action, context);
  const precheck = { precheck: true };

  return {
    precheckStart(patient, input, context) {
      const action = trace(patient, 'messaging.conversation.start', context);
      return perform(
        action,
        async (_, t) => {
          const now = clock.now();
          await checkQuotas(db, patient.matricule, ['refused-sends-hour'], ctx.quotas, now);
          const finess = checkFiness(input.finess);
          t.target = finess;
          const subject = checkSubject(input.subject);
          const text = checkText(input.text, { allowEmpty: true });
          const documents = checkCount(input, { min: minFiles, max: maxFiles });
          const sources = input.files ?? [];
          const request = startRequest(patient, context?.idempotencyKey, { finess, subject, text, sources });
          const key = keyOf(request, input.files !== null && documents === 0);
          if (key && (await keyState(db, key)) === 'retry') return;
          await checkEligible(eligibility, patient, finess);
          await checkQuotas(db, patient.matricule, START_QUOTAS, ctx.quotas, now);
        },
        precheck,
      );
    },

    precheckReply(patient, conversationId, input, context) {
      const action = trace(patient, 'messaging.message.reply', context);
      return perform(
        action,
        async (_, t) => {
          const now = clock.now();
          await checkQuotas(db, patient.matricule, ['refused-sends-hour'], ctx.quotas, now);
          const id = asId(conversationId);
          if (id === null) throw notFound('UNKNOWN_ID');
          t.target = id;
          const attached = (input.documentIds?.length ?? 0) + (input.files?.length ?? 1);
          const text = checkText(input.text, { allowEmpty: attached > 0 });
          const documents = checkCount(input, { min: 0, max: maxFiles });
          const request = patientReplyRequest(patient, context?.idempotencyKey, {
            id,
            text,
            sources: input.files ?? [],
          });
          const key = keyOf(request, input.files !== null && documents === 0);
          if (key && (await keyState(db, key)) === 'retry') return;
          await checkQuotas(db, patient.matricule, REPLY_QUOTAS, ctx.quotas, now);
          acceptPatientMessage(await findConversation(db, id), patient, now, ctx.timeZone);
        },
        precheck,
      );
    },

    countRefusedSend: (patient, error) => countRefused(ctx, patient.matricule, error),
  };
}

export function createTeamPrecheck(
  ctx: MessagingContext,
): Pick<TeamMessaging, 'precheckReply' | 'countRefusedSend'> {
  const { store, clock, perform } = ctx;
  const db = store.db;
  return {
    precheckReply(member, conversationId, input, context) {
      return perform(
        teamTrace(member, 'messaging.message.reply', context),
        async (_, t) => {
          const now = clock.now();
          await checkQuotas(db, idempotencyActor(member), ['refused-sends-hour'], ctx.quotas, now);
          const id = asId(conversationId);
          if (id === null) throw notFound('UNKNOWN_ID');
          t.target = id;
          const templateId = replyTemplateId(input.templateId);
          checkCount(input, { min: 0, max: ctx.attachmentLimits.maxFiles });
          const given = input.text === undefined ? null : checkText(input.text, { allowEmpty: true });
          const request = teamReplyRequest(member, context?.idempotencyKey, {
            id,
            text: given,
            templateId,
            sources: input.files ?? [],
          });
          const key = keyOf(request, input.files !== null);
          if (key && (await keyState(db, key)) === 'retry') return;
          const row = await teamConversation(db, member, await findConversation(db, id));
          t.onBehalfOf = row.mailbox_id;
          acceptTeamMessage(row, member, now, ctx.timeZone);
          if (templateId !== null) {
            const template = await db
              .selectFrom('reply_templates')
              .select('pharmacy_finess')
              .where('id', '=', templateId)
              .executeTakeFirst();
            checkTemplateOf(template, row);
          } else if ((given ?? '') === '' && input.files?.length === 0) {
            checkText('', { allowEmpty: false });
          }
        },
        { precheck: true },
      );
    },

    countRefusedSend: (member, error) => countRefused(ctx, idempotencyActor(member), error),
  };
}

/** Counts a refused send of this person (not the refusal of that very quota). */
async function countRefused(ctx: MessagingContext, subject: string, error: DomainError): Promise<void> {
  if (isRefusedSendsQuota(error)) return;
  await countRefusedSend(ctx.store.db, subject, ctx.clock.now());
}
