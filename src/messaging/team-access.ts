import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { type ActionContext, readerKey, type TeamMember, teamAuditActor } from './actors.ts';
import { notFound, type Trace } from './perform.ts';
import { type ConversationRow, isMember, pharmacyMailbox } from './store.ts';
import { type TeamConversationSummary, teamSummary } from './views.ts';

/**
 * Whether a team member acts for a pharmacy: a professional with a membership in the directory
 * (looked up at every action: a membership ended after login ends access), or that pharmacy's
 * own software credential; never another pharmacy than the one the member is scoped to.
 */
export async function actsFor(db: Kysely<Schema>, member: TeamMember, finess: string): Promise<boolean> {
  if (member.scope !== undefined && member.scope !== finess) return false;
  return member.kind === 'software' ? member.finess === finess : isMember(db, member.rpps, finess);
}

/** The conversation if this member's pharmacy holds it, else NOT_FOUND (same for unknown ids). */
export async function teamConversation(
  db: Kysely<Schema>,
  member: TeamMember,
  row: ConversationRow | undefined,
): Promise<ConversationRow> {
  if (!row) throw notFound('UNKNOWN_ID');
  if (!(await actsFor(db, member, row.pharmacy_finess))) throw notFound('OTHER_TENANT');
  return row;
}

/** A conversation as this member sees it: who claimed it, and whether *they* have read it. */
export async function teamView(
  db: Kysely<Schema>,
  row: ConversationRow,
  member: TeamMember,
): Promise<TeamConversationSummary> {
  const claimer =
    row.claimed_by === null
      ? undefined
      : await db
          .selectFrom('professionals')
          .select(['given_name', 'family_name'])
          .where('rpps', '=', row.claimed_by)
          .executeTakeFirst();
  const read = await db
    .selectFrom('team_read_states')
    .select('last_read_position')
    .where('conversation_id', '=', row.id)
    .where('reader', '=', readerKey(member))
    .executeTakeFirst();
  return teamSummary(
    row,
    claimer ? `${claimer.given_name} ${claimer.family_name}` : null,
    read?.last_read_position ?? 0,
  );
}

/** The audit trace of a team action; the use case fills target and mailbox as it learns them. */
export function teamTrace(member: TeamMember, action: string, context?: ActionContext): Trace {
  return {
    actor: teamAuditActor(member),
    action,
    target: null,
    onBehalfOf: null,
    requestId: context?.requestId ?? null,
    reason: null,
  };
}

export async function pharmacyName(db: Kysely<Schema>, finess: string): Promise<string> {
  return (await pharmacyMailbox(db, finess))?.name ?? finess;
}
