import { appendMailboxJournal, appendPatientJournal } from '../notifications/journal.ts';
import { readerKey, teamAuthor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { idempotent } from './idempotency.ts';
import { asId, notFound } from './perform.ts';
import { conversationDetail } from './reading.ts';
import { acceptTeamMessage, checkTemplateOf, replyTemplateId, teamReplyRequest } from './send-checks.ts';
import { appendMessage, lockConversation, markTeamRead, saveState } from './store.ts';
import { pharmacyName, teamConversation, teamView, teamTrace as trace } from './team-access.ts';
import type { TeamMessaging, TeamSendResult } from './team-messaging.ts';
import { checkAttachments, checkStored, checkText } from './validate.ts';

/**
 * A team reply: free text or a template of the pharmacy, attachments, Idempotency-Key. The checks
 * that need no file are shared with the precheck run before the files are processed
 * (send-checks.ts).
 */
export function createTeamReply(ctx: MessagingContext): TeamMessaging['reply'] {
  const { store, clock, perform } = ctx;
  const db = store.db;
  return function reply(member, conversationId, input, context) {
    return perform(trace(member, 'messaging.message.reply', context), async (transact, t) => {
      const id = asId(conversationId);
      if (id === null) throw notFound('UNKNOWN_ID');
      t.target = id;
      const templateId = replyTemplateId(input.templateId);
      const attachments = checkAttachments(input.attachments, {
        min: 0,
        max: ctx.attachmentLimits.maxFiles,
      });
      const given = input.text === undefined ? null : checkText(input.text, { allowEmpty: true });
      const request = teamReplyRequest(member, context?.idempotencyKey, {
        id,
        text: given,
        templateId,
        sources: attachments.map((a) => a.sourceSha256),
      });
      const once = {
        now: () => clock.now().toISOString(),
        replayed: (first: TeamSendResult) => {
          t.reason = 'IDEMPOTENT_REPLAY';
          return first;
        },
      };
      return idempotent(db, request, once, async (claimed) => {
        await checkStored(ctx.blobs, attachments);
        return transact(
          claimed(async (trx) => {
            const now = clock.now();
            const at = now.toISOString();
            const row = await teamConversation(trx, member, await lockConversation(trx, id));
            t.onBehalfOf = row.mailbox_id;
            const state = acceptTeamMessage(row, member, now, ctx.timeZone);
            let text = given ?? '';
            if (templateId !== null) {
              const template = await trx
                .selectFrom('reply_templates')
                .select(['body', 'pharmacy_finess'])
                .where('id', '=', templateId)
                .executeTakeFirst();
              checkTemplateOf(template, row);
              if (given === null || given === '') text = template.body;
            }
            if (text === '' && attachments.length === 0) checkText(text, { allowEmpty: false });
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
            return { conversation: await teamView(trx, appended.conversation, member), message };
          }),
        );
      });
    });
  };
}
