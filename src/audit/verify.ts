import type { Store } from '../db/connect.ts';
import { GENESIS_HASH, headMac, recordHash, recordMac } from './canonical.ts';

/**
 * What breaks a chain, at the first record concerned:
 * - `seq-gap`: the record with that seq is missing (deleted, or the tail cut off);
 * - `broken-link`: its prev_hash is not the previous record's hash (previous record rewritten
 *   with a recomputed hash, or prev_hash edited);
 * - `hash-mismatch`: its hash is not the hash (version 1) or MAC (version 2) of its canonical
 *   form (a field or the hash edited, a MAC recomputed without the key — or the wrong key given);
 * - `unkeyed-after-keyed`: an unkeyed record (version 1) after a keyed one: keyed records
 *   rewritten as unkeyed ones, which anyone could recompute;
 * - `head-mismatch`: the chain head disagrees with the records, or its MAC is not the key's
 *   (the last record rewritten, the head moved back over dropped records, or records the head
 *   never acknowledged);
 * - `checkpoint-mismatch`: the record a checkpoint anchored has another MAC now (rewritten);
 * - `checkpoint-truncated`: the trail ends before the record a checkpoint anchored.
 */
export type AuditChainProblem =
  | 'hash-mismatch'
  | 'broken-link'
  | 'seq-gap'
  | 'unkeyed-after-keyed'
  | 'head-mismatch'
  | 'checkpoint-mismatch'
  | 'checkpoint-truncated';

/**
 * `count`: records found intact (when not ok, those before firstBrokenSeq). `unkeyed`: how many of
 * them are version 1 (written before the chain key); `headSealed`: whether the head carries a MAC
 * (false only while no keyed record was appended — then only a checkpoint can reveal a cut tail).
 */
export type AuditVerification =
  | { ok: true; count: number; lastHash: string; unkeyed: number; headSealed: boolean }
  | { ok: false; count: number; firstBrokenSeq: number; problem: AuditChainProblem };

/** The record a checkpoint anchors (src/audit/checkpoint.ts), once its signature is checked. */
export interface ChainAnchor {
  seq: number;
  mac: string;
}

export interface VerifyOptions {
  /** The chain key; null when none is configured (enough for a trail with no keyed record). */
  chainKey: Buffer | null;
  /** A checkpoint kept outside the database: its record must still be there, with its MAC. */
  anchor?: ChainAnchor;
  /** Records read per query; memory stays bounded by it, whatever the trail's size. */
  pageSize?: number;
  /** Called after each page with the number of records checked so far. */
  onProgress?(checked: number): void;
}

/** Keyed records (or a sealed head) were found, and no chain key was given to check them. */
export class AuditChainKeyMissingError extends Error {
  override name = 'AuditChainKeyMissingError';
  constructor() {
    super('The audit trail holds keyed records: AUDIT_CHAIN_KEY (or DATA_DIR/audit-chain.key) is needed');
  }
}

/**
 * Recomputes the whole chain in seq order, page by page. Safe while the trail is being written:
 * records commit in seq order (appends are serialised on the chain head), and the head is read
 * first, so later appends only extend what is checked.
 */
export async function verifyAuditTrail(store: Store, options: VerifyOptions): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 1000;
  const { anchor } = options;
  const key = () => {
    if (!options.chainKey) throw new AuditChainKeyMissingError();
    return options.chainKey;
  };
  const readHead = () =>
    store.db
      .selectFrom('audit_chain_head')
      .select(['seq', 'hash', 'mac'])
      .where('id', '=', 1)
      .executeTakeFirst();
  const head = await readHead();
  const headSeq = Number(head?.seq);
  let count = 0;
  let unkeyed = 0;
  let keyed = false;
  let headRecordKeyed = false;
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
      const fields = { ...row, seq, count: row.count === null ? null : Number(row.count) };
      if (row.chain_version === 1) {
        if (keyed) return broken(seq, 'unkeyed-after-keyed');
        if (recordHash(fields) !== row.hash) return broken(seq, 'hash-mismatch');
        unkeyed += 1;
      } else if (row.chain_version === 2) {
        if (recordMac(key(), fields) !== row.hash) return broken(seq, 'hash-mismatch');
        keyed = true;
      } else {
        return broken(seq, 'hash-mismatch');
      }
      if (anchor && seq === anchor.seq && row.hash !== anchor.mac) return broken(seq, 'checkpoint-mismatch');
      if (head && seq === headSeq) {
        if (row.hash !== head.hash) return broken(seq, 'head-mismatch');
        headRecordKeyed = keyed;
      }
      prevHash = row.hash;
      count = seq;
    }
    options.onProgress?.(count);
    if (page.length < pageSize) break;
  }

  if (!head) return broken(count + 1, 'head-mismatch');
  if (count < headSeq) return broken(count + 1, 'seq-gap');
  if (anchor && count < anchor.seq) return broken(count + 1, 'checkpoint-truncated');
  if (anchor && anchor.seq === 0 && anchor.mac !== GENESIS_HASH) return broken(1, 'checkpoint-mismatch');
  // A sealed head must carry the key's MAC; an unsealed one may only name an unkeyed record.
  const sealed = head.mac !== null;
  if (sealed ? head.mac !== headMac(key(), { seq: headSeq, hash: head.hash }) : headRecordKeyed) {
    return {
      ok: false,
      count: Math.max(headSeq - 1, 0),
      firstBrokenSeq: Math.max(headSeq, 1),
      problem: 'head-mismatch',
    };
  }
  if (count > headSeq) {
    // Appended since the head was read — or never acknowledged by it.
    const now = await readHead();
    const acknowledged = Number(now?.seq ?? headSeq);
    if (count > acknowledged) {
      return { ok: false, count: acknowledged, firstBrokenSeq: acknowledged + 1, problem: 'head-mismatch' };
    }
  }
  return { ok: true, count, lastHash: prevHash, unkeyed, headSealed: sealed };
}
