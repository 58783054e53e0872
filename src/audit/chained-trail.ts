import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../db/connect.ts';
import type { Schema } from '../db/schema.ts';
import { normalizeNir } from '../identity/nir.ts';
import type { Clock } from '../time/clock.ts';
import { headMac, recordMac } from './canonical.ts';
import { type CheckedEntry, checkEntry } from './guard.ts';
import type { AuditEntry, AuditTrail } from './trail.ts';

/** A key, or a function giving it on first use (a key file is then created lazily). */
export type LazyKey = Buffer | (() => Buffer);

export interface AuditTrailOptions {
  /** The pseudonym key (src/audit/pseudonym-key.ts). */
  key: LazyKey;
  /** The chain key (src/audit/chain-key.ts): every record appended carries a MAC under it. */
  chainKey: LazyKey;
  clock: Clock;
}

/**
 * The chain head does not carry this process's MAC: someone moved it (over dropped records, say)
 * without the key, or this process was given another AUDIT_CHAIN_KEY than the ones that wrote
 * the trail. Appending would chain onto it and hide the change, so nothing is appended.
 */
export class AuditChainHeadError extends Error {
  override name = 'AuditChainHeadError';
  constructor() {
    super(
      'The audit chain head is not sealed with this chain key: the trail was altered, or processes ' +
        'use different AUDIT_CHAIN_KEY values. Nothing was appended; run `officine-mss audit verify`.',
    );
  }
}

function lazy(key: LazyKey): () => Buffer {
  let resolved: Buffer | null = null;
  return () => {
    resolved ??= typeof key === 'function' ? key() : key;
    return resolved;
  };
}

/**
 * The audit trail over the store: one keyed chain for the whole deployment.
 *
 * An append, inside the caller's transaction or its own:
 * 1. `update audit_chain_head set seq = seq + 1 … returning seq, hash, mac` — the first statement
 *    is a write, so it takes the lock before anything is read: SQLite's write lock (a DEFERRED
 *    transaction takes it at its first write, waiting up to busy_timeout for another process),
 *    PostgreSQL's row lock on the head (a concurrent append waits for this transaction to end,
 *    then re-reads the committed head). The returned hash is therefore the chain's true last one.
 * 2. check the head's MAC (or, before the first keyed record, that the head names an unkeyed
 *    record): a head moved without the key is refused (AuditChainHeadError), not built upon;
 * 3. insert the record (chain version 2) with that seq and prev_hash, its MAC computed over the
 *    canonical form;
 * 4. set the head's hash to the new record's, and its MAC.
 * A rolled-back transaction rolls all of it back: no record, no gap, no broken link.
 *
 * The head stays locked until the transaction ends, so callers record as late as they can in
 * their transaction.
 */
export function createAuditTrail(store: Store, options: AuditTrailOptions): AuditTrail {
  const { clock } = options;
  const pseudonymKey = lazy(options.key);
  const chainKey = lazy(options.chainKey);
  const append = (db: Kysely<Schema>, entry: CheckedEntry) => appendRecord(db, entry, clock, chainKey());

  return {
    async record(entry: AuditEntry, trx?: Kysely<Schema>): Promise<void> {
      const checked = checkEntry(entry);
      if (trx) await append(trx, checked);
      else await store.db.transaction().execute((own) => append(own, checked));
    },

    patientPseudonym(matricule: string): string {
      return createHmac('sha256', pseudonymKey()).update(normalizeNir(matricule), 'utf8').digest('hex');
    },
  };
}

async function appendRecord(db: Kysely<Schema>, entry: CheckedEntry, clock: Clock, key: Buffer) {
  const head = await db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash', 'mac'])
    .executeTakeFirstOrThrow();
  const seq = Number(head.seq);
  await checkHead(db, key, { seq: seq - 1, hash: head.hash, mac: head.mac });
  // Timed once the head is held, so that within a host `at` follows `seq`.
  const at = clock.now().toISOString();
  const fields = { seq, at, ...entry, prev_hash: head.hash };
  const hash = recordMac(key, fields);
  await db
    .insertInto('audit_records')
    .values({ ...fields, chain_version: 2, hash })
    .execute();
  await db
    .updateTable('audit_chain_head')
    .set({ hash, mac: headMac(key, { seq, hash }) })
    .where('id', '=', 1)
    .execute();
}

/** Sealed heads must carry our MAC; an unsealed one may only name the genesis or an unkeyed record. */
async function checkHead(
  db: Kysely<Schema>,
  key: Buffer,
  head: { seq: number; hash: string; mac: string | null },
): Promise<void> {
  if (head.mac !== null) {
    if (head.mac !== headMac(key, head)) throw new AuditChainHeadError();
    return;
  }
  if (head.seq === 0) return;
  const last = await db
    .selectFrom('audit_records')
    .select('chain_version')
    .where('seq', '=', head.seq)
    .executeTakeFirst();
  if (last?.chain_version !== 1) throw new AuditChainHeadError();
}
