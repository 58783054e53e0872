import { appendMailboxJournal, appendPatientJournal } from '../notifications/journal.ts';
import { idempotencyActor, readerKey, teamActorOf, teamAuthor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { apply } from './conversation.ts';
import {
  checkIdempotencyKey,
  claimKey,
  type IdempotentRequest,
  requestHash,
  saveResult,
  storedResult,
} from './idempotency.ts';
import { asId, notFound } from './perform.ts';
import { conversationDetail } from './reading.ts';
import { appendMessage, lockConversation, markTeamRead, saveState, stateOf } from './store.ts';
import { pharmacyName, teamConversation, teamView, teamTrace as trace } from './team-access.ts';
import type { TeamMessaging, TeamSendResult } from './team-messaging.ts';
import { checkAttachments, checkStored, checkText } from './validate.ts';

/** A team reply: free text or a template of the pharmacy, attachments, Idempotency-Key. */
export function createTeamReply(ctx: MessagingContext): TeamMessaging['reply'] {
  const { store, clock, perform } = ctx;
  const db = store.db;
  const by = teamActorOf;
  return function reply(member, conversationId, input, context) {
    return perform(trace(member, 'messaging.message.reply', context), async (transact, t) => {
      const id = asId(conversationId);
      if (id === null) throw notFound('UNKNOWN_ID');
      t.target = id;
      const templateId = input.templateId === undefined ? null : asId(input.templateId);
      if (input.templateId !== undefined && templateId === null)
        throw notFound('UNKNOWN_ID', 'Modèle de réponse introuvable.');
      const attachments = checkAttachments(input.attachments, {
        min: 0,
        max: ctx.attachmentLimits.maxFiles,
      });
      const given = input.text === undefined ? null : checkText(input.text, { allowEmpty: true });
      const key = checkIdempotencyKey(context?.idempotencyKey);
      const operation = 'message.reply';
      const request: IdempotentRequest | null =
        key === null
          ? null
          : {
              actor: idempotencyActor(member),
              key,
              operation,
              requestSha256: requestHash([
                operation,
                id,
                given,
                templateId,
                attachments.map((a) => a.blob.sha256),
              ]),
            };
      if (request) {
        const first = await storedResult<TeamSendResult>(db, request);
        if (first) {
          t.reason = 'IDEMPOTENT_REPLAY';
          return first;
        }
      }
      await checkStored(ctx.blobs, attachments);
      return transact(async (trx) => {
        if (request) {
          const { replay } = await claimKey<TeamSendResult>(trx, request, clock.now().toISOString());
          if (replay) {
            t.reason = 'IDEMPOTENT_REPLAY';
            return replay;
          }
        }
        const row = await teamConversation(trx, member, await lockConversation(trx, id));
        t.onBehalfOf = row.mailbox_id;
        let text = given ?? '';
        if (templateId !== null) {
          const template = await trx
            .selectFrom('reply_templates')
            .select(['body', 'pharmacy_finess'])
            .where('id', '=', templateId)
            .executeTakeFirst();
          if (template?.pharmacy_finess !== row.pharmacy_finess) {
            throw notFound(template ? 'OTHER_TENANT' : 'UNKNOWN_ID', 'Modèle de réponse introuvable.');
          }
          if (given === null || given === '') text = template.body;
        }
        if (text === '' && attachments.length === 0) checkText(text, { allowEmpty: false });
        const now = clock.now();
        const at = now.toISOString();
        const state = apply(stateOf(row), { type: 'team_message', by: by(member) }, now, ctx.timeZone);
        const saved = await saveState(trx, row, state);
        const appended = await appendMessage(trx, saved, {
          author: teamAuthor(member),
          body: text,
          attachments,
          templateId,
          at,
          messageIdDomain: ctx.messageIdDomain,
        });
        await markTeamRead(
          trx,
          id,
          readerKey(member),
          { position: appended.message.position, messageId: appended.message.id },
          at,
        );
        await appendMailboxJournal(trx, row.mailbox_id, 'message.team', id, at);
        await appendPatientJournal(trx, row.patient_matricule, 'message.team', id, at);
        const detail = await conversationDetail(
          trx,
          appended.conversation,
          await pharmacyName(trx, row.pharmacy_finess),
        );
        const message = detail.messages.find((m) => m.id === appended.message.id);
        if (!message) throw new Error('reply: the new message is missing');
        const result: TeamSendResult = {
          conversation: await teamView(trx, appended.conversation, member),
          message,
        };
        if (request) await saveResult(trx, request, result);
        return result;
      });
    });
  };
}
