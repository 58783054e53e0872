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

/** The request an `Idempotency-Key` names (the key's form checked), or null without a key. */
export function idempotentRequest(
  actor: string,
  key: string | null | undefined,
  operation: string,
  parts: readonly unknown[],
): IdempotentRequest | null {
  const checked = checkIdempotencyKey(key);
  return checked === null
    ? null
    : { actor, key: checked, operation, requestSha256: requestHash([operation, ...parts]) };
}

/** Wraps the work of an action's transaction: takes the key first, stores the result last. */
export type Once<T> = (work: (trx: Kysely<Schema>) => Promise<T>) => (trx: Kysely<Schema>) => Promise<T>;

/**
 * The sequence of an idempotent action. A retry whose first attempt committed gets the first
 * result (through `replayed`) before any other check. Else `body` runs its checks and wraps its
 * transaction's work in `once`: the key is claimed first in the transaction (a concurrent retry
 * waits, then gets the first result), the work runs, its result is stored with the key.
 * Without a key (`request` null) the body runs as is.
 */
export async function idempotent<T>(
  db: Kysely<Schema>,
  request: IdempotentRequest | null,
  options: { now: () => string; replayed: (first: T) => T },
  body: (once: Once<T>) => Promise<T>,
): Promise<T> {
  if (request) {
    const first = await storedResult<T>(db, request);
    if (first) return options.replayed(first);
  }
  return body((work) => async (trx) => {
    if (request) {
      const { replay } = await claimKey<T>(trx, request, options.now());
      if (replay) return options.replayed(replay);
    }
    const result = await work(trx);
    if (request) await saveResult(trx, request, result);
    return result;
  });
}

/**
 * For a precheck, before a send's files are processed: whether this actor already used the key
 * (`retry`: the action will replay the first result, or refuse the reuse, before any other
 * check) or not (`new`). A key used for another operation, or — when the precheck knows the whole
 * request (`request.requestSha256` not null) — for another request, is IDEMPOTENCY_KEY_REUSED
 * at once, as the action would answer after processing the files.
 */
export async function keyState(
  db: Kysely<Schema>,
  request: Omit<IdempotentRequest, 'requestSha256'> & { requestSha256: string | null },
): Promise<'new' | 'retry'> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['operation', 'request_sha256'])
    .where('actor', '=', request.actor)
    .where('key', '=', request.key)
    .executeTakeFirst();
  if (!row) return 'new';
  if (row.operation !== request.operation) throw reused();
  if (request.requestSha256 !== null && row.request_sha256 !== request.requestSha256) throw reused();
  return 'retry';
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
