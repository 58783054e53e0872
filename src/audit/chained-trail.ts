import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from '../db/connect.ts';
import type { Schema } from '../db/schema.ts';
import { normalizeNir } from '../identity/nir.ts';
import type { Clock } from '../time/clock.ts';
import { recordHash } from './canonical.ts';
import { type CheckedEntry, checkEntry } from './guard.ts';
import type { AuditEntry, AuditTrail } from './trail.ts';

export interface AuditTrailOptions {
  /** The pseudonym key, or a function giving it on first use (the key file is then created lazily). */
  key: Buffer | (() => Buffer);
  clock: Clock;
}

/**
 * The audit trail over the store: one hash chain for the whole deployment.
 *
 * An append, inside the caller's transaction or its own:
 * 1. `update audit_chain_head set seq = seq + 1 … returning seq, hash` — the first statement is a
 *    write, so it takes the lock before anything is read: SQLite's write lock (a DEFERRED
 *    transaction takes it at its first write, waiting up to busy_timeout for another process),
 *    PostgreSQL's row lock on the head (a concurrent append waits for this transaction to end,
 *    then re-reads the committed head). The returned hash is therefore the chain's true last one.
 * 2. insert the record with that seq and prev_hash, its hash computed over the canonical form;
 * 3. set the head's hash to the new record's.
 * A rolled-back transaction rolls all three back: no record, no gap, no broken link.
 *
 * The head stays locked until the transaction ends, so callers record as late as they can in
 * their transaction.
 */
export function createAuditTrail(store: Store, options: AuditTrailOptions): AuditTrail {
  const { clock, key } = options;
  let resolvedKey: Buffer | null = null;
  const pseudonymKey = () => {
    resolvedKey ??= typeof key === 'function' ? key() : key;
    return resolvedKey;
  };

  return {
    async record(entry: AuditEntry, trx?: Kysely<Schema>): Promise<void> {
      const checked = checkEntry(entry);
      if (trx) await append(trx, checked, clock);
      else await store.db.transaction().execute((own) => append(own, checked, clock));
    },

    patientPseudonym(matricule: string): string {
      return createHmac('sha256', pseudonymKey()).update(normalizeNir(matricule), 'utf8').digest('hex');
    },
  };
}

async function append(db: Kysely<Schema>, entry: CheckedEntry, clock: Clock): Promise<void> {
  const head = await db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  // Timed once the head is held, so that within a host `at` follows `seq`.
  const at = clock.now().toISOString();
  const fields = { seq: Number(head.seq), at, ...entry, prev_hash: head.hash };
  const hash = recordHash(fields);
  await db
    .insertInto('audit_records')
    .values({ ...fields, hash })
    .execute();
  await db.updateTable('audit_chain_head').set({ hash }).where('id', '=', 1).execute();
}
