import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import {
  appendMailboxJournal,
  appendPatientJournal,
  type MailboxJournalKind,
} from '../notifications/journal.ts';
import { type ActionContext, readerKey, type TeamMember, teamActorOf, teamAuthor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { apply, type ConversationCommand, type ConversationState } from './conversation.ts';
import { asId, notFound } from './perform.ts';
import {
  appendMessage,
  type ConversationRow,
  isMember,
  lockConversation,
  markTeamRead,
  saveState,
  stateOf,
} from './store.ts';
import { teamConversation, teamView, teamTrace as trace } from './team-access.ts';
import type { TeamMessaging } from './team-messaging.ts';
import { checkRpps, checkText } from './validate.ts';

/** The team's workflow on a conversation: claim, hand over, preparation status, close. */
export function createTeamWorkflow(
  ctx: MessagingContext,
): Pick<TeamMessaging, 'claim' | 'handOver' | 'setStatus' | 'close'> {
  const { clock, perform } = ctx;

  /**
   * A change to one conversation: lock it, check the member's access, apply the command, write
   * the state and the journal entries; `extra` writes more in the same transaction.
   */
  function change<R>(
    member: TeamMember,
    action: string,
    conversationId: string,
    context: ActionContext | undefined,
    command: (
      row: ConversationRow,
      trx: Kysely<Schema>,
    ) => Promise<ConversationCommand[]> | ConversationCommand[],
    journal: { mailbox: MailboxJournalKind; patient?: 'status' | 'message.team' | 'close' },
    finish: (trx: Kysely<Schema>, row: ConversationRow, state: ConversationState, at: string) => Promise<R>,
    prepare?: () => void,
  ): Promise<R> {
    return perform(trace(member, action, context), async (transact, t) => {
      const id = asId(conversationId);
      if (id === null) throw notFound('UNKNOWN_ID');
      t.target = id;
      prepare?.();
      return transact(async (trx) => {
        const row = await teamConversation(trx, member, await lockConversation(trx, id));
        t.onBehalfOf = row.mailbox_id;
        const now = clock.now();
        const at = now.toISOString();
        let state = stateOf(row);
        for (const c of await command(row, trx)) state = apply(state, c, now, ctx.timeZone);
        const result = await finish(trx, row, state, at);
        await appendMailboxJournal(trx, row.mailbox_id, journal.mailbox, id, at);
        if (journal.patient) await appendPatientJournal(trx, row.patient_matricule, journal.patient, id, at);
        return result;
      });
    });
  }

  const by = (member: TeamMember) => teamActorOf(member);
  const doneBy = (member: TeamMember) =>
    member.kind === 'professional' ? member.rpps : `api:${member.credentialId}`;

  return {
    claim(member, conversationId, context) {
      return change(
        member,
        'messaging.conversation.claim',
        conversationId,
        context,
        () => [{ type: 'claim', by: by(member) }],
        { mailbox: 'claim' },
        async (trx, row, state, at) =>
          teamView(trx, await saveState(trx, row, state, { claimedAt: at }), member),
      );
    },

    handOver(member, conversationId, toRpps, context) {
      let to = '';
      return change(
        member,
        'messaging.conversation.handover',
        conversationId,
        context,
        async (row, trx) => [
          {
            type: 'hand_over',
            by: by(member),
            to,
            toIsColleague: await isMember(trx, to, row.pharmacy_finess),
          },
        ],
        { mailbox: 'handover' },
        async (trx, row, state, at) =>
          teamView(trx, await saveState(trx, row, state, { claimedAt: at }), member),
        () => {
          to = checkRpps(toRpps);
        },
      );
    },

    setStatus(member, conversationId, status, context) {
      return change(
        member,
        'messaging.conversation.status',
        conversationId,
        context,
        () => [{ type: 'set_status', by: by(member), status }],
        { mailbox: 'status', patient: 'status' },
        async (trx, row, state) => teamView(trx, await saveState(trx, row, state), member),
      );
    },

    close(member, conversationId, input = {}, context) {
      let text = '';
      return change(
        member,
        'messaging.conversation.close',
        conversationId,
        context,
        () => [
          ...(text === '' ? [] : [{ type: 'team_message' as const, by: by(member) }]),
          { type: 'close', by: by(member) },
        ],
        { mailbox: 'close', patient: 'close' },
        async (trx, row, state, at) => {
          let saved = await saveState(trx, row, state, { closedBy: doneBy(member) });
          if (text !== '') {
            const appended = await appendMessage(trx, saved, {
              author: teamAuthor(member),
              body: text,
              attachments: [],
              closesConversation: true,
              at,
              messageIdDomain: ctx.messageIdDomain,
            });
            saved = appended.conversation;
            await markTeamRead(
              trx,
              row.id,
              readerKey(member),
              { position: appended.message.position, messageId: appended.message.id },
              at,
            );
          }
          return teamView(trx, saved, member);
        },
        () => {
          text = checkText(input.text, { allowEmpty: true });
        },
      );
    },
  };
}
