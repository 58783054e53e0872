import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * The journals (design note §3.3): every change a mailbox must see appends
 * `(mailbox_id, seq, kind, ref, at)`, and every change a patient must see appends
 * `(matricule, seq, kind, ref, at)`. `seq` is 1, 2, 3… per stream with no gap, strictly increasing
 * in commit order too, so a reader that saw seq N never later finds an entry below N:
 *
 * the seq is allocated by one upsert of the stream's head row —
 * `insert … values (id, 1) on conflict do update set seq = seq + 1 returning seq` — inside the
 * action's transaction. On PostgreSQL the head row stays locked until that transaction ends, so a
 * concurrent writer of the same stream waits and then takes the next number; on SQLite writers are
 * serialised by the database lock. A rolled-back action leaves neither entry nor gap.
 *
 * `ref` is the conversation id: readers (SSE replay, pop-up) fetch what changed from there.
 */
export type MailboxJournalKind =
  /** A patient started a conversation. */
  | 'conversation.new'
  /** A new message in a conversation (`ref`): from the patient or the team. */
  | 'message.patient'
  | 'message.team'
  | 'status'
  | 'claim'
  | 'handover'
  /** Someone of the team read the conversation: their unread count changed. */
  | 'read'
  | 'close';

export type PatientJournalKind =
  | 'conversation.new'
  | 'message.patient'
  | 'message.team'
  | 'status'
  | 'read'
  | 'close';

export interface JournalEntry<K extends string = string> {
  seq: number;
  kind: K;
  ref: string;
  at: string;
}

/** Whose journal: a mailbox's or a patient's. */
export type JournalStream = { kind: 'mailbox'; mailboxId: string } | { kind: 'patient'; matricule: string };

export interface AppendedEntry {
  stream: JournalStream;
  seq: number;
}

/**
 * What each open transaction appended, so that whoever commits it can publish the hints after
 * the commit (a hint must never announce an entry that readers cannot see yet, nor one that
 * rolled back). Keyed by the transaction object: forgotten with it.
 */
const appendedBy = new WeakMap<object, AppendedEntry[]>();

function remember(trx: Kysely<Schema>, entry: AppendedEntry): void {
  const list = appendedBy.get(trx);
  if (list) list.push(entry);
  else appendedBy.set(trx, [entry]);
}

/** The entries appended through `trx` so far (then forgotten): call it just before committing. */
export function takeAppended(trx: Kysely<Schema>): AppendedEntry[] {
  const list = appendedBy.get(trx) ?? [];
  appendedBy.delete(trx);
  return list;
}

export async function appendMailboxJournal(
  trx: Kysely<Schema>,
  mailboxId: string,
  kind: MailboxJournalKind,
  ref: string,
  at: string,
): Promise<number> {
  const head = await trx
    .insertInto('mailbox_journal_heads')
    .values({ mailbox_id: mailboxId, seq: 1 })
    .onConflict((oc) =>
      oc.column('mailbox_id').doUpdateSet((eb) => ({ seq: eb('mailbox_journal_heads.seq', '+', 1) })),
    )
    .returning('seq')
    .executeTakeFirstOrThrow();
  const seq = Number(head.seq);
  await trx.insertInto('mailbox_journal').values({ mailbox_id: mailboxId, seq, kind, ref, at }).execute();
  remember(trx, { stream: { kind: 'mailbox', mailboxId }, seq });
  return seq;
}

export async function appendPatientJournal(
  trx: Kysely<Schema>,
  matricule: string,
  kind: PatientJournalKind,
  ref: string,
  at: string,
): Promise<number> {
  const head = await trx
    .insertInto('patient_journal_heads')
    .values({ matricule, seq: 1 })
    .onConflict((oc) =>
      oc.column('matricule').doUpdateSet((eb) => ({ seq: eb('patient_journal_heads.seq', '+', 1) })),
    )
    .returning('seq')
    .executeTakeFirstOrThrow();
  const seq = Number(head.seq);
  await trx.insertInto('patient_journal').values({ matricule, seq, kind, ref, at }).execute();
  remember(trx, { stream: { kind: 'patient', matricule }, seq });
  return seq;
}

/** Entries after `afterSeq`, oldest first (SSE replay from `Last-Event-ID`). */
export async function readMailboxJournal(
  db: Kysely<Schema>,
  mailboxId: string,
  afterSeq: number,
  limit = 500,
): Promise<JournalEntry<MailboxJournalKind>[]> {
  const rows = await db
    .selectFrom('mailbox_journal')
    .select(['seq', 'kind', 'ref', 'at'])
    .where('mailbox_id', '=', mailboxId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind as MailboxJournalKind, ref: r.ref, at: r.at }));
}

export async function readPatientJournal(
  db: Kysely<Schema>,
  matricule: string,
  afterSeq: number,
  limit = 500,
): Promise<JournalEntry<PatientJournalKind>[]> {
  const rows = await db
    .selectFrom('patient_journal')
    .select(['seq', 'kind', 'ref', 'at'])
    .where('matricule', '=', matricule)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind as PatientJournalKind, ref: r.ref, at: r.at }));
}

/** The last seq of a mailbox's journal (0 when empty): where a fresh SSE stream starts. */
export async function mailboxJournalHead(db: Kysely<Schema>, mailboxId: string): Promise<number> {
  const row = await db
    .selectFrom('mailbox_journal_heads')
    .select('seq')
    .where('mailbox_id', '=', mailboxId)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

export async function patientJournalHead(db: Kysely<Schema>, matricule: string): Promise<number> {
  const row = await db
    .selectFrom('patient_journal_heads')
    .select('seq')
    .where('matricule', '=', matricule)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}
