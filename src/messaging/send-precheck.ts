import { type ActionContext, idempotencyActor, type PatientActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { keyUsed } from './idempotency.ts';
import { patientTrace } from './patient-access.ts';
import type { PatientMessaging } from './patient-messaging.ts';
import { asId, notFound } from './perform.ts';
import { checkQuotas, REPLY_QUOTAS, START_QUOTAS } from './quotas.ts';
import { acceptPatientMessage, acceptTeamMessage, checkEligible } from './send-checks.ts';
import { findConversation } from './store.ts';
import { teamConversation, teamTrace } from './team-access.ts';
import type { TeamMessaging } from './team-messaging.ts';
import { checkFiness } from './validate.ts';

/**
 * Prechecks of the sends, for the HTTP layer to call before it reads the files of a request: the
 * same checks as the use case (send-checks.ts, quotas.ts), read-only, in the same order, without
 * the files. An obvious refusal (pharmacy not open to the patient, quota reached, conversation
 * closed or unknown) then costs no upload processing and writes no blob. A refusal is audited as
 * the send's; a pass records nothing, the send itself decides and is audited.
 *
 * A request whose Idempotency-Key was already used passes: the send replays the first result
 * before any other check (a retry must not be refused because the first attempt used the quota or
 * the conversation was closed since).
 */
export function createPatientPrechecks(
  ctx: MessagingContext,
): Pick<PatientMessaging, 'precheckStart' | 'precheckReply'> {
  const { store, audit, clock, eligibility, perform } = ctx;
  const db = store.db;
  const trace = (patient: PatientActor, action: string, context?: ActionContext) =>
    patientTrace(audit, patient, action, context);
  const precheck = { precheck: true };

  return {
    precheckStart(patient, input, context) {
      const action = trace(patient, 'messaging.conversation.start', context);
      return perform(
        action,
        async (_, t) => {
          if (await keyUsed(db, idempotencyActor(patient), context?.idempotencyKey)) return;
          if (input.finess !== null) {
            const finess = checkFiness(input.finess);
            t.target = finess;
            await checkEligible(eligibility, patient, finess);
          }
          await checkQuotas(db, patient.matricule, START_QUOTAS, ctx.quotas, clock.now());
        },
        precheck,
      );
    },

    precheckReply(patient, conversationId, context) {
      const action = trace(patient, 'messaging.message.reply', context);
      return perform(
        action,
        async (_, t) => {
          const id = asId(conversationId);
          if (id === null) throw notFound('UNKNOWN_ID');
          t.target = id;
          if (await keyUsed(db, idempotencyActor(patient), context?.idempotencyKey)) return;
          const now = clock.now();
          await checkQuotas(db, patient.matricule, REPLY_QUOTAS, ctx.quotas, now);
          acceptPatientMessage(await findConversation(db, id), patient, now, ctx.timeZone);
        },
        precheck,
      );
    },
  };
}

export function createTeamPrecheck(ctx: MessagingContext): TeamMessaging['precheckReply'] {
  const { store, clock, perform } = ctx;
  const db = store.db;
  return function precheckReply(member, conversationId, context) {
    return perform(
      teamTrace(member, 'messaging.message.reply', context),
      async (_, t) => {
        const id = asId(conversationId);
        if (id === null) throw notFound('UNKNOWN_ID');
        t.target = id;
        if (await keyUsed(db, idempotencyActor(member), context?.idempotencyKey)) return;
        const row = await teamConversation(db, member, await findConversation(db, id));
        t.onBehalfOf = row.mailbox_id;
        acceptTeamMessage(row, member, clock.now(), ctx.timeZone);
      },
      { precheck: true },
    );
  };
}
