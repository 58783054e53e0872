import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import { MESSAGING_LIMITS } from './limits.ts';

/**
 * `Idempotency-Key` (design note §3.2): the first result of an action is stored with the key, in
 * the action's transaction; a retry with the same key returns it and writes nothing. The key row
 * is inserted first in the transaction: on PostgreSQL a concurrent retry blocks on it until the
 * first attempt commits (then finds its result) or rolls back (then runs itself).
 * A key reused for another request answers IDEMPOTENCY_KEY_REUSED.
 */
export interface IdempotentRequest {
  actor: string;
  key: string;
  operation: string;
  /** SHA-256 of the request's canonical form (requestHash). */
  requestSha256: string;
}

const KEY = /^[\x21-\x7e]+$/;

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key === undefined || key === null) return null;
  if (key.length === 0 || key.length > MESSAGING_LIMITS.idempotencyKeyMax || !KEY.test(key)) {
    throw new DomainError(
      'INVALID_IDEMPOTENCY_KEY',
      `La clé d'idempotence doit compter 1 à ${MESSAGING_LIMITS.idempotencyKeyMax} caractères ASCII visibles.`,
    );
  }
  return key;
}

export function requestHash(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function reused(): DomainError {
  return new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    "Cette clé d'idempotence a déjà servi pour une autre demande : utilisez une nouvelle clé.",
  );
}

function replay<T>(
  row: { operation: string; request_sha256: string; result: string | null },
  request: IdempotentRequest,
) {
  if (row.operation !== request.operation || row.request_sha256 !== request.requestSha256) throw reused();
  if (row.result === null) return undefined;
  return JSON.parse(row.result) as T;
}

/** The stored result for this key, read outside any transaction (the fast path of a retry). */
export async function storedResult<T>(
  db: Kysely<Schema>,
  request: IdempotentRequest,
): Promise<T | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['operation', 'request_sha256', 'result'])
    .where('actor', '=', request.actor)
    .where('key', '=', request.key)
    .executeTakeFirst();
  return row ? replay<T>(row, request) : undefined;
}

/**
 * Takes the key in the transaction: `{ replay }` with the first result when it was already used,
 * else `{ replay: undefined }` and the caller runs the action, then calls saveResult.
 */
export async function claimKey<T>(
  trx: Kysely<Schema>,
  request: IdempotentRequest,
  now: string,
): Promise<{ replay: T | undefined }> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({
      actor: request.actor,
      key: request.key,
      operation: request.operation,
      request_sha256: request.requestSha256,
      result: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['actor', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { replay: undefined };
  const row = await trx
    .selectFrom('idempotency_keys')
    .select(['operation', 'request_sha256', 'result'])
    .where('actor', '=', request.actor)
    .where('key', '=', request.key)
    .executeTakeFirstOrThrow();
  const result = replay<T>(row, request);
  if (result === undefined) throw new Error('idempotency key held without a result');
  return { replay: result };
}

export async function saveResult(
  trx: Kysely<Schema>,
  request: IdempotentRequest,
  result: unknown,
): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ result: JSON.stringify(result) })
    .where('actor', '=', request.actor)
    .where('key', '=', request.key)
    .execute();
}

/** Forgets keys older than `before` (retries come within minutes; keep a day or more). */
export async function pruneIdempotencyKeys(db: Kysely<Schema>, before: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
