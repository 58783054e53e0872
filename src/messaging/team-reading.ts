import { DomainError } from '../domain-error.ts';
import { appendMailboxJournal } from '../notifications/journal.ts';
import { readerKey } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { listTeamConversations, TEAM_FILTERS } from './listing.ts';
import { asId, notFound } from './perform.ts';
import { conversationDetail, downloadOf } from './reading.ts';
import { findAttachment, findConversation, markTeamRead, pharmacyMailbox } from './store.ts';
import { actsFor, pharmacyName, teamConversation, teamView, teamTrace as trace } from './team-access.ts';
import type { TeamMessaging } from './team-messaging.ts';
import { checkFiness } from './validate.ts';

/** The team reads: its pharmacy's listing, a conversation (read for that person), attachments. */
export function createTeamReading(
  ctx: MessagingContext,
): Pick<TeamMessaging, 'listConversations' | 'open' | 'attachment'> {
  const { store, clock, perform } = ctx;
  const db = store.db;
  return {
    listConversations(member, finess, request = {}, context) {
      return perform(trace(member, 'messaging.conversation.list', context), async (_, t) => {
        const site = checkFiness(finess);
        t.target = site;
        const filter = request.filter ?? 'all';
        if (!TEAM_FILTERS.includes(filter)) {
          throw new DomainError(
            'INVALID_FILTER',
            `Filtre inconnu : choisissez parmi ${TEAM_FILTERS.join(', ')}.`,
          );
        }
        if (!(await actsFor(db, member, site))) throw notFound('OTHER_TENANT', 'Pharmacie introuvable.');
        const pharmacy = await pharmacyMailbox(db, site);
        if (!pharmacy?.mailboxId) return { items: [], nextCursor: null };
        t.onBehalfOf = pharmacy.mailboxId;
        return listTeamConversations(db, {
          mailboxId: pharmacy.mailboxId,
          reader: readerKey(member),
          me: member.kind === 'professional' ? member.rpps : null,
          filter,
          cursor: request.cursor ?? null,
          ...(request.limit !== undefined ? { limit: request.limit } : {}),
        });
      });
    },

    open(member, conversationId, context, options = {}) {
      return perform(trace(member, 'messaging.conversation.open', context), async (transact, t) => {
        const id = asId(conversationId);
        if (id === null) throw notFound('UNKNOWN_ID');
        t.target = id;
        const row = await teamConversation(db, member, await findConversation(db, id));
        t.onBehalfOf = row.mailbox_id;
        const name = await pharmacyName(db, row.pharmacy_finess);
        return transact(async (trx) => {
          const detail = await conversationDetail(trx, (await findConversation(trx, id)) ?? row, name);
          const last = detail.messages.at(-1);
          const at = clock.now().toISOString();
          const upTo = { position: detail.row.message_count, messageId: last?.id ?? '' };
          const markRead = options.markRead ?? true;
          if (markRead && last && (await markTeamRead(trx, id, readerKey(member), upTo, at))) {
            await appendMailboxJournal(trx, row.mailbox_id, 'read', id, at);
          }
          return { conversation: await teamView(trx, detail.row, member), messages: detail.messages };
        });
      });
    },

    attachment(member, attachmentId, context) {
      return perform(trace(member, 'messaging.attachment.download', context), async (_, t) => {
        const id = asId(attachmentId);
        if (id === null) throw notFound('UNKNOWN_ID', 'Pièce jointe introuvable.');
        t.target = id;
        const attachment = await findAttachment(db, id);
        if (!attachment) throw notFound('UNKNOWN_ID', 'Pièce jointe introuvable.');
        const conversation = await findConversation(db, attachment.conversation_id);
        if (!conversation || !(await actsFor(db, member, conversation.pharmacy_finess))) {
          throw notFound('OTHER_TENANT', 'Pièce jointe introuvable.');
        }
        t.onBehalfOf = conversation.mailbox_id;
        return downloadOf(attachment);
      });
    },
  };
}
