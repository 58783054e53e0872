import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import type { QuotaLimits } from './limits.ts';

/**
 * Per-person quotas, counted in the store (they survive restarts and hold across processes):
 * fixed windows opened by the first counted action. The messages a patient sends are counted
 * inside the action's transaction, so a refused or failed action counts for nothing there; it
 * counts instead against `refused-sends-hour`, the sends refused to a person (patient or team
 * member: the store's `subject` is the matricule, or `pro:<rpps>` / `api:<credential id>`),
 * checked before a send's files are read. Over the limit: QUOTA_EXCEEDED with
 * `details.retryAfterSeconds` (the HTTP layer answers 429 with `Retry-After`).
 */
export type QuotaKind = 'messages-minute' | 'messages-day' | 'conversations-day' | 'refused-sends-hour';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const QUOTA_WINDOWS: Record<
  QuotaKind,
  { windowMs: number; limit: (q: QuotaLimits) => number; message: string }
> = {
  'messages-minute': {
    windowMs: MINUTE,
    limit: (q) => q.messagesPerMinute,
    message: 'Vous envoyez beaucoup de messages en peu de temps : patientez un instant avant de réessayer.',
  },
  'messages-day': {
    windowMs: DAY,
    limit: (q) => q.messagesPerDay,
    message: "Vous avez atteint le nombre de messages autorisés aujourd'hui : réessayez plus tard.",
  },
  'conversations-day': {
    windowMs: DAY,
    limit: (q) => q.conversationsPerDay,
    message: "Vous avez commencé le nombre maximal de conversations pour aujourd'hui : réessayez plus tard.",
  },
  'refused-sends-hour': {
    windowMs: HOUR,
    limit: (q) => q.refusedSendsPerHour,
    message: 'Trop de vos envois ont été refusés en peu de temps : patientez avant de réessayer.',
  },
};

/** The quotas a patient's new conversation counts against, and a reply's. */
export const START_QUOTAS: readonly QuotaKind[] = ['conversations-day', 'messages-minute', 'messages-day'];
export const REPLY_QUOTAS: readonly QuotaKind[] = ['messages-minute', 'messages-day'];

/** Counts one action against each quota, in the action's transaction; throws when one is over. */
export async function consumeQuotas(
  trx: Kysely<Schema>,
  matricule: string,
  kinds: readonly QuotaKind[],
  limits: QuotaLimits,
  now: Date,
): Promise<void> {
  for (const kind of kinds) await consumeQuota(trx, matricule, kind, limits, now);
}

/**
 * Whether one more action would fit each quota, counting nothing: the precheck before a send's
 * files are processed (the action itself still counts, and decides, in its transaction).
 */
export async function checkQuotas(
  db: Kysely<Schema>,
  matricule: string,
  kinds: readonly QuotaKind[],
  limits: QuotaLimits,
  now: Date,
): Promise<void> {
  const rows = await db
    .selectFrom('messaging_quotas')
    .select(['kind', 'hits', 'window_start'])
    .where('subject', '=', matricule)
    .where('kind', 'in', [...kinds])
    .execute();
  for (const kind of kinds) {
    const row = rows.find((r) => r.kind === kind);
    if (!row || Date.parse(row.window_start) <= now.getTime() - QUOTA_WINDOWS[kind].windowMs) continue;
    refuseOver(kind, limits, { hits: Number(row.hits) + 1, windowStart: row.window_start }, now);
  }
}

export async function consumeQuota(
  trx: Kysely<Schema>,
  matricule: string,
  kind: QuotaKind,
  limits: QuotaLimits,
  now: Date,
): Promise<void> {
  refuseOver(kind, limits, await countQuota(trx, matricule, kind, now), now);
}

/** A send refused to this person: counted against `refused-sends-hour`, outside any transaction. */
export async function countRefusedSend(db: Kysely<Schema>, subject: string, now: Date): Promise<void> {
  await countQuota(db, subject, 'refused-sends-hour', now);
}

/** Whether the error is the refusal of `refused-sends-hour` itself (not counted again). */
export function isRefusedSendsQuota(error: DomainError): boolean {
  return error.code === 'QUOTA_EXCEEDED' && error.details.quota === 'refused-sends-hour';
}

/** Counts one action in the quota's current window (a new window once the last one is over). */
async function countQuota(
  trx: Kysely<Schema>,
  matricule: string,
  kind: QuotaKind,
  now: Date,
): Promise<{ hits: number; windowStart: string }> {
  const { windowMs } = QUOTA_WINDOWS[kind];
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - windowMs).toISOString();
  // One statement: concurrent actions each count exactly once (the row lock orders them).
  const row = await trx
    .insertInto('messaging_quotas')
    .values({ subject: matricule, kind, window_start: at, hits: 1 })
    .onConflict((oc) =>
      oc.columns(['subject', 'kind']).doUpdateSet({
        hits: sql<number>`case when messaging_quotas.window_start <= ${cutoff} then 1 else messaging_quotas.hits + 1 end`,
        window_start: sql<string>`case when messaging_quotas.window_start <= ${cutoff} then ${at} else messaging_quotas.window_start end`,
      }),
    )
    .returning(['hits', 'window_start'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), windowStart: row.window_start };
}

/** QUOTA_EXCEEDED when `hits` (this action included) goes over the limit of the current window. */
function refuseOver(
  kind: QuotaKind,
  limits: QuotaLimits,
  window: { hits: number; windowStart: string },
  now: Date,
): void {
  const { windowMs, limit, message } = QUOTA_WINDOWS[kind];
  const max = limit(limits);
  if (window.hits <= max) return;
  const resetAt = Date.parse(window.windowStart) + windowMs;
  throw new DomainError('QUOTA_EXCEEDED', message, {
    quota: kind,
    limit: max,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)),
  });
}
