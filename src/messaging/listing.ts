import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import { MESSAGING_LIMITS } from './limits.ts';
import {
  type LatestPatientAttachment,
  type Page,
  type PatientConversationSummary,
  patientSummary,
  type TeamConversationSummary,
  teamSummary,
} from './views.ts';

/**
 * The two listings, newest activity first (`last_message_at`, then id), paged by an opaque
 * cursor: the position of the last item of the previous page.
 */
export const TEAM_FILTERS = [
  'all',
  'new',
  'unread',
  'mine',
  'in_progress',
  'ready',
  'closed',
  'waiting',
] as const;
export type TeamFilter = (typeof TEAM_FILTERS)[number];

export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

interface Position {
  at: string;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): Position | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(text);
  if (!match)
    throw new DomainError(
      'INVALID_CURSOR',
      'Curseur de pagination invalide : recommencez depuis la première page.',
    );
  return { at: match[1] as string, id: match[2] as string };
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return MESSAGING_LIMITS.pageDefault;
  if (!Number.isInteger(limit) || limit < 1 || limit > MESSAGING_LIMITS.pageMax) {
    throw new DomainError(
      'INVALID_PAGE_SIZE',
      `Demandez entre 1 et ${MESSAGING_LIMITS.pageMax} conversations par page.`,
    );
  }
  return limit;
}

function page<R extends { last_message_at: string; id: string }, T>(
  rows: R[],
  limit: number,
  view: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.last_message_at, id: last.id }) : null,
  };
}

export async function listTeamConversations(
  db: Kysely<Schema>,
  query: { mailboxId: string; reader: string; me: string | null; filter: TeamFilter } & PageRequest,
): Promise<Page<TeamConversationSummary>> {
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  if (query.filter === 'mine' && query.me === null) return { items: [], nextCursor: null };
  let q = db
    .selectFrom('conversations as c')
    .leftJoin('team_read_states as r', (join) =>
      join.onRef('r.conversation_id', '=', 'c.id').on('r.reader', '=', query.reader),
    )
    .leftJoin('professionals as p', 'p.rpps', 'c.claimed_by')
    .selectAll('c')
    .select(['r.last_read_position', 'p.given_name', 'p.family_name'])
    .where('c.mailbox_id', '=', query.mailboxId);
  switch (query.filter) {
    case 'all':
      break;
    case 'new':
      q = q
        .where('c.closed_at', 'is', null)
        .where('c.claimed_by', 'is', null)
        .where('c.status', '=', 'received');
      break;
    case 'waiting':
      // What the counter's pop-up alerts for: `new`, and nobody of the team has answered, read or
      // acted on the patient's latest message (the acknowledgements of the live journal).
      q = q
        .where('c.closed_at', 'is', null)
        .where('c.claimed_by', 'is', null)
        .where('c.status', '=', 'received')
        .whereRef('c.last_patient_position', '>', 'c.last_team_position')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('team_read_states as anyone')
                .select('anyone.reader')
                .whereRef('anyone.conversation_id', '=', 'c.id')
                .whereRef('anyone.last_read_position', '>=', 'c.last_patient_position'),
            ),
          ),
        );
      break;
    case 'unread':
      q = q.where((eb) =>
        eb('c.last_patient_position', '>', eb.fn.coalesce('r.last_read_position', eb.lit(0))),
      );
      break;
    case 'mine':
      q = q.where('c.closed_at', 'is', null).where('c.claimed_by', '=', query.me);
      break;
    case 'in_progress':
      q = q.where('c.closed_at', 'is', null).where('c.status', 'in', ['in_preparation', 'partial']);
      break;
    case 'ready':
      q = q.where('c.closed_at', 'is', null).where('c.status', '=', 'ready');
      break;
    case 'closed':
      q = q.where('c.closed_at', 'is not', null);
      break;
  }
  const rows = await newestFirst(q, after, limit).execute();
  const latest = await latestPatientAttachments(
    db,
    rows.slice(0, limit).map((row) => row.id),
  );
  return page(rows, limit, (row) => ({
    ...teamSummary(
      row,
      row.given_name !== null && row.family_name !== null ? `${row.given_name} ${row.family_name}` : null,
      row.last_read_position ?? 0,
    ),
    latestPatientAttachments: latest.get(row.id) ?? [],
  }));
}

/** The files of each conversation's latest patient message (kind and e-prescription numbers). */
async function latestPatientAttachments(
  db: Kysely<Schema>,
  conversationIds: string[],
): Promise<Map<string, LatestPatientAttachment[]>> {
  const found = new Map<string, LatestPatientAttachment[]>();
  if (conversationIds.length === 0) return found;
  const rows = await db
    .selectFrom('message_attachments as a')
    .innerJoin('messages as m', 'm.id', 'a.message_id')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['a.conversation_id', 'a.kind', 'a.prescription_numbers'])
    .where('m.conversation_id', 'in', conversationIds)
    .whereRef('m.position', '=', 'c.last_patient_position')
    .orderBy('a.conversation_id')
    .orderBy('a.position')
    .execute();
  for (const row of rows) {
    const list = found.get(row.conversation_id) ?? [];
    list.push({ kind: row.kind, prescriptionNumbers: JSON.parse(row.prescription_numbers) as string[] });
    found.set(row.conversation_id, list);
  }
  return found;
}

export async function listPatientConversations(
  db: Kysely<Schema>,
  query: { matricule: string } & PageRequest,
): Promise<Page<PatientConversationSummary>> {
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  const q = db
    .selectFrom('conversations as c')
    .innerJoin('pharmacies as ph', 'ph.finess', 'c.pharmacy_finess')
    .leftJoin('patient_read_states as r', 'r.conversation_id', 'c.id')
    .selectAll('c')
    .select(['ph.name as pharmacy_name', 'r.last_read_position'])
    .where('c.patient_matricule', '=', query.matricule);
  const rows = await newestFirst(q, after, limit).execute();
  return page(rows, limit, (row) => patientSummary(row, row.pharmacy_name, row.last_read_position ?? 0));
}

/**
 * Keyset paging over conversations (alias `c`), newest activity first: the page after the cursor,
 * plus one row to tell whether another page follows.
 */
function newestFirst<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  after: { at: string; id: string } | null,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const at = sql.ref<string>('c.last_message_at');
  const id = sql.ref<string>('c.id');
  const paged = after
    ? q.where((eb) => eb.or([eb(at, '<', after.at), eb.and([eb(at, '=', after.at), eb(id, '<', after.id)])]))
    : q;
  return paged
    .orderBy(at, 'desc')
    .orderBy(id, 'desc')
    .limit(limit + 1);
}
