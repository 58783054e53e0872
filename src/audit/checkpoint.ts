import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../db/connect.ts';
import type { Clock } from '../time/clock.ts';
import { chainKeyId, labelledFields } from './canonical.ts';
import { type AuditVerification, type ChainAnchor, verifyAuditTrail } from './verify.ts';

/**
 * A checkpoint anchors the audit chain outside the database: the last record's seq and MAC, when
 * it was taken, signed. Kept elsewhere (printed, mailed, on write-once storage), it lets
 * `audit verify --checkpoint` prove that no record up to it was dropped or rewritten since — what
 * the chain alone cannot show against someone who can write to the database and roll it back to
 * an earlier state of its own (a restored backup, a head MAC seen earlier).
 *
 * Signed with HMAC-SHA256 under the chain key, over
 *   labelled fields "officine-mss-audit-checkpoint-v1", seq, mac, issuedAt, keyId
 * (canonical.ts's encoding; the label keeps it apart from records and the head). An Ed25519 pair
 * would let someone without the secret check the signature, but not the chain: checking that the
 * anchored record is still there with its MAC, and that every record up to it is intact, needs
 * the chain key anyway. So one secret, handled like the others, rather than a second key pair to
 * keep, back up and hand out. `keyId` names the key (canonical.ts chainKeyId) so that a checkpoint
 * of another deployment, or from before a key change, is told apart from a forged one.
 *
 * {"format":"officine-mss-audit-checkpoint-v1","seq":1234,"mac":"<64 hex>",
 *  "issuedAt":"2026-12-04T18:00:00.000Z","keyId":"<16 hex>","signature":"<64 hex>"}
 */
export const CHECKPOINT_FORMAT = 'officine-mss-audit-checkpoint-v1';

const HEX64 = /^[0-9a-f]{64}$/;
const checkpointSchema = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  seq: z.number().int().min(0),
  mac: z.string().regex(HEX64),
  issuedAt: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(HEX64),
});

export type AuditCheckpoint = z.infer<typeof checkpointSchema>;

function sign(key: Buffer, c: Omit<AuditCheckpoint, 'signature'>): string {
  const text = labelledFields(CHECKPOINT_FORMAT, [String(c.seq), c.mac, c.issuedAt, c.keyId]);
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Verifies the whole trail, then signs its last record: a checkpoint never vouches for an altered trail. */
export async function issueCheckpoint(
  store: Store,
  key: Buffer,
  clock: Clock,
): Promise<{ ok: true; checkpoint: AuditCheckpoint } | { ok: false; verification: AuditVerification }> {
  const verification = await verifyAuditTrail(store, { chainKey: key });
  if (!verification.ok) return { ok: false, verification };
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    seq: verification.count,
    mac: verification.lastHash,
    issuedAt: clock.now().toISOString(),
    keyId: chainKeyId(key),
  } as const;
  return { ok: true, checkpoint: { ...unsigned, signature: sign(key, unsigned) } };
}

export type CheckpointProblem = 'malformed' | 'other-key' | 'bad-signature';

/** Parses a checkpoint file's text and checks its signature with the chain key. */
export function readCheckpoint(
  text: string,
  key: Buffer,
):
  | { ok: true; checkpoint: AuditCheckpoint; anchor: ChainAnchor }
  | { ok: false; problem: CheckpointProblem } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: 'malformed' };
  const checkpoint = parsed.data;
  if (checkpoint.keyId !== chainKeyId(key)) return { ok: false, problem: 'other-key' };
  const expected = Buffer.from(sign(key, checkpoint), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(checkpoint.signature, 'hex'))) {
    return { ok: false, problem: 'bad-signature' };
  }
  return { ok: true, checkpoint, anchor: { seq: checkpoint.seq, mac: checkpoint.mac } };
}
