import type { Store } from '../db/connect.ts';
import { GENESIS_HASH, recordHash } from './canonical.ts';

/**
 * What breaks a chain, at the first record concerned:
 * - `seq-gap`: the record with that seq is missing (deleted, or the tail cut off);
 * - `broken-link`: its prev_hash is not the previous record's hash (previous record rewritten
 *   with a recomputed hash, or prev_hash edited);
 * - `hash-mismatch`: its hash is not the hash of its canonical form (a field or the hash edited);
 * - `head-mismatch`: the chain head disagrees with the records (the last record rewritten with a
 *   recomputed hash, or records the head never acknowledged).
 */
export type AuditChainProblem = 'hash-mismatch' | 'broken-link' | 'seq-gap' | 'head-mismatch';

/** `count`: records found intact (when not ok, those before firstBrokenSeq). */
export type AuditVerification =
  | { ok: true; count: number; lastHash: string }
  | { ok: false; count: number; firstBrokenSeq: number; problem: AuditChainProblem };

export interface VerifyOptions {
  /** Records read per query; memory stays bounded by it, whatever the trail's size. */
  pageSize?: number;
  /** Called after each page with the number of records checked so far. */
  onProgress?(checked: number): void;
}

/**
 * Recomputes the whole chain in seq order, page by page. Safe while the trail is being written:
 * records commit in seq order (appends are serialised on the chain head), and the head is read
 * first, so later appends only extend what is checked.
 */
export async function verifyAuditTrail(
  store: Store,
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 1000;
  const readHead = () =>
    store.db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const head = await readHead();
  let count = 0;
  let prevHash = GENESIS_HASH;
  const broken = (firstBrokenSeq: number, problem: AuditChainProblem): AuditVerification => ({
    ok: false,
    count,
    firstBrokenSeq,
    problem,
  });

  for (;;) {
    const page = await store.db
      .selectFrom('audit_records')
      .selectAll()
      .where('seq', '>', count)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of page) {
      const seq = Number(row.seq);
      const expected = count + 1;
      if (seq !== expected) return broken(expected, 'seq-gap');
      if (row.prev_hash !== prevHash) return broken(seq, 'broken-link');
      if (recordHash({ ...row, seq }) !== row.hash) return broken(seq, 'hash-mismatch');
      if (head && seq === Number(head.seq) && row.hash !== head.hash) return broken(seq, 'head-mismatch');
      prevHash = row.hash;
      count = seq;
    }
    options.onProgress?.(count);
    if (page.length < pageSize) break;
  }

  if (!head) return broken(count + 1, 'head-mismatch');
  if (count < Number(head.seq)) return broken(count + 1, 'seq-gap');
  if (count > Number(head.seq)) {
    // Appended since the head was read — or never acknowledged by it.
    const now = await readHead();
    const acknowledged = Number(now?.seq ?? head.seq);
    if (count > acknowledged) {
      return { ok: false, count: acknowledged, firstBrokenSeq: acknowledged + 1, problem: 'head-mismatch' };
    }
  }
  return { ok: true, count, lastHash: prevHash };
}
