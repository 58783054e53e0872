import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import {
  appendMailboxJournal,
  appendPatientJournal,
  mailboxJournalHead,
  patientJournalHead,
  readMailboxJournal,
  readPatientJournal,
} from './journal.ts';

const AT = '2026-03-15T10:00:00.000Z';
let store: TestStore;

before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());

test('seq starts at 1 per mailbox and per patient, independently', async () => {
  await store.db.transaction().execute(async (trx) => {
    assert.equal(await appendMailboxJournal(trx, 'mb-a', 'conversation.new', 'c1', AT), 1);
    assert.equal(await appendMailboxJournal(trx, 'mb-a', 'claim', 'c1', AT), 2);
    assert.equal(await appendMailboxJournal(trx, 'mb-b', 'conversation.new', 'c2', AT), 1);
    assert.equal(await appendPatientJournal(trx, 'p1', 'conversation.new', 'c1', AT), 1);
  });
  assert.equal(await mailboxJournalHead(store.db, 'mb-a'), 2);
  assert.equal(await mailboxJournalHead(store.db, 'mb-none'), 0);
  assert.equal(await patientJournalHead(store.db, 'p1'), 1);
  assert.deepEqual(await readMailboxJournal(store.db, 'mb-a', 1), [
    { seq: 2, kind: 'claim', ref: 'c1', at: AT },
  ]);
  assert.deepEqual(await readPatientJournal(store.db, 'p1', 0), [
    { seq: 1, kind: 'conversation.new', ref: 'c1', at: AT },
  ]);
});

test('a rolled-back action leaves neither entry nor gap', async () => {
  await assert.rejects(
    store.db.transaction().execute(async (trx) => {
      await appendMailboxJournal(trx, 'mb-a', 'status', 'c1', AT);
      throw new Error('boom');
    }),
  );
  const seq = await store.db
    .transaction()
    .execute((trx) => appendMailboxJournal(trx, 'mb-a', 'status', 'c1', AT));
  assert.equal(seq, 3);
});

test('50 concurrent writers: seq 1…50 without gap, and a reader never sees a seq appear below one it saw', async () => {
  const mailbox = 'mb-concurrent';
  const patient = 'p-concurrent';
  const seen: number[] = [];
  let writing = true;
  // The reader follows the journal as the SSE stream will: "what is after the last seq I saw?".
  const reader = (async () => {
    let last = 0;
    while (writing) {
      for (const entry of await readMailboxJournal(store.db, mailbox, last)) {
        assert.equal(entry.seq, last + 1, 'entries arrive in seq order, without gap');
        last = entry.seq;
        seen.push(entry.seq);
      }
      await delay(1);
    }
    for (const entry of await readMailboxJournal(store.db, mailbox, last)) seen.push(entry.seq);
  })();

  const writers = Array.from({ length: 50 }, (_, i) =>
    store.db.transaction().execute(async (trx) => {
      // Some work before and after the append, as an action does, so transactions overlap.
      await delay(i % 7);
      const seq = await appendMailboxJournal(trx, mailbox, 'message.patient', `c${i}`, AT);
      await appendPatientJournal(trx, patient, 'message.patient', `c${i}`, AT);
      await delay(i % 3);
      return seq;
    }),
  );
  const seqs = await Promise.all(writers);
  writing = false;
  await reader;

  assert.deepEqual(
    [...seqs].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    seen,
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  const entries = await readMailboxJournal(store.db, mailbox, 0);
  assert.equal(new Set(entries.map((e) => e.ref)).size, 50);
  assert.equal(await patientJournalHead(store.db, patient), 50);
});
