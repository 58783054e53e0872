import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { rechain, resetAuditTrail, tamper } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { fixedClock } from '../time/clock.ts';
import { headMac, recordMac } from './canonical.ts';
import { createAuditTrail } from './chained-trail.ts';
import { type AuditCheckpoint, issueCheckpoint, readCheckpoint } from './checkpoint.ts';
import { verifyAuditTrail } from './verify.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

const KEY = TEST_CHAIN_KEY;
const clock = fixedClock('2026-12-04T18:00:00Z');
const audit = () => createAuditTrail(store, { key: Buffer.alloc(32, 1), chainKey: KEY, clock });

async function append(n: number) {
  const trail = audit();
  for (let i = 0; i < n; i++) {
    await trail.record({
      actor: { kind: 'system' },
      action: 'demo.load',
      target: `r${i}`,
      result: 'success',
    });
  }
}

async function checkpoint(): Promise<AuditCheckpoint> {
  const issued = await issueCheckpoint(store, KEY, clock);
  if (!issued.ok) throw new Error('the trail should be intact');
  return issued.checkpoint;
}

/** What `audit verify --checkpoint` does: the file's signature, then the trail against it. */
async function verifyAgainst(checkpoint: AuditCheckpoint) {
  const read = readCheckpoint(JSON.stringify(checkpoint), KEY);
  if (!read.ok) throw new Error(read.problem);
  return verifyAuditTrail(store, { chainKey: KEY, anchor: read.anchor });
}

const head = () => store.db.selectFrom('audit_chain_head').selectAll().executeTakeFirstOrThrow();

beforeEach(() => resetAuditTrail(store));

test('a checkpoint names the last record, its MAC and the time, signed', async () => {
  await append(4);
  const taken = await checkpoint();
  const last = await head();
  assert.deepEqual(
    { ...taken, keyId: undefined, signature: undefined },
    {
      format: 'officine-mss-audit-checkpoint-v1',
      seq: 4,
      mac: last.hash,
      issuedAt: '2026-12-04T18:00:00.000Z',
      keyId: undefined,
      signature: undefined,
    },
  );
  assert.match(taken.signature, /^[0-9a-f]{64}$/);
  await append(3);
  assert.deepEqual(await verifyAgainst(taken), {
    ok: true,
    count: 7,
    lastHash: (await head()).hash,
    unkeyed: 0,
    headSealed: true,
  });
});

test('an empty trail can be checkpointed too', async () => {
  const taken = await checkpoint();
  assert.equal(taken.seq, 0);
  await append(1);
  assert.equal((await verifyAgainst(taken)).ok, true);
});

test('a tail cut back to before the checkpoint, with a head replayed from then, is caught', async () => {
  await append(6);
  // Someone who could read the database when the head was at 6 keeps that head, sealed and all.
  const earlier = await head();
  await append(4);
  const taken = await checkpoint();
  await tamper(
    store,
    sql`delete from audit_records where seq > 6`,
    sql`update audit_chain_head set seq = ${earlier.seq}, hash = ${earlier.hash}, mac = ${earlier.mac} where id = 1`,
  );
  // The chain alone cannot tell this head from a genuine one...
  assert.equal((await verifyAuditTrail(store, { chainKey: KEY })).ok, true);
  // ...the checkpoint can.
  assert.deepEqual(await verifyAgainst(taken), {
    ok: false,
    count: 6,
    firstBrokenSeq: 7,
    problem: 'checkpoint-truncated',
  });
});

test('the checkpointed record rewritten and re-chained, even with the key, is caught', async () => {
  await append(5);
  const taken = await checkpoint();
  await append(2);
  await rechain(
    store,
    3,
    (r) => (r.seq === 3 ? { ...r, result: 'failure' } : r),
    (r) => recordMac(KEY, r),
    (h) => headMac(KEY, h),
  );
  assert.equal((await verifyAuditTrail(store, { chainKey: KEY })).ok, true);
  assert.deepEqual(await verifyAgainst(taken), {
    ok: false,
    count: 4,
    firstBrokenSeq: 5,
    problem: 'checkpoint-mismatch',
  });
});

test('a forged, edited or foreign checkpoint is refused', async () => {
  await append(3);
  const taken = await checkpoint();
  const text = (c: object) => JSON.stringify(c);
  assert.deepEqual(readCheckpoint(text({ ...taken, seq: 2 }), KEY), { ok: false, problem: 'bad-signature' });
  assert.deepEqual(readCheckpoint(text({ ...taken, mac: 'a'.repeat(64) }), KEY), {
    ok: false,
    problem: 'bad-signature',
  });
  assert.deepEqual(readCheckpoint(text(taken), Buffer.alloc(32, 0x77)), { ok: false, problem: 'other-key' });
  for (const bad of ['', 'null', '{}', text({ ...taken, extra: 1 }), text({ ...taken, seq: -1 })]) {
    assert.deepEqual(readCheckpoint(bad, KEY), { ok: false, problem: 'malformed' }, bad);
  }
  assert.equal(readCheckpoint(`${text(taken)}\n`, KEY).ok, true);
});

test('no checkpoint is issued for an altered trail', async () => {
  await append(3);
  await tamper(store, sql`update audit_records set action = 'demo.other' where seq = 2`);
  const issued = await issueCheckpoint(store, KEY, clock);
  assert.equal(issued.ok, false);
  assert.deepEqual(!issued.ok && issued.verification, {
    ok: false,
    count: 1,
    firstBrokenSeq: 2,
    problem: 'hash-mismatch',
  });
});
