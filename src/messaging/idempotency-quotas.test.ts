import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import {
  alice,
  camille,
  carol,
  david,
  MARKET,
  type MessagingFixture,
  openMessagingFixture,
  photo,
  STATION,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { DomainError } from '../domain-error.ts';
import { readMailboxJournal } from '../notifications/journal.ts';

let f: MessagingFixture;
before(async () => {
  f = await openMessagingFixture(await openTestStore());
});
after(() => f.dispose());

const counts = async () => {
  const n = f.rowCount;
  return {
    conversations: await n('conversations'),
    messages: await n('messages'),
    attachments: await n('message_attachments'),
    mailboxJournal: await n('mailbox_journal'),
    patientJournal: await n('patient_journal'),
  };
};

describe('Idempotency-Key', () => {
  it('a retried start returns the first result and creates nothing', async () => {
    const input = { finess: MARKET, subject: 'Ordonnance', text: 'Bonjour', attachments: [photo('idem')] };
    const first = await f.service.patient.startConversation(camille, input, { idempotencyKey: 'start-1' });
    const before = await counts();
    f.clock.advance(5_000);
    const retry = await f.service.patient.startConversation(camille, input, { idempotencyKey: 'start-1' });
    assert.deepEqual(retry, first);
    assert.deepEqual(await counts(), before);
    // Keys belong to their actor: David's 'start-1' is his own.
    await f.service.patient.startConversation(
      david,
      { ...input, finess: STATION },
      { idempotencyKey: 'start-1' },
    );
    // The same key for another request is an error, not a silent replay.
    await assert.rejects(
      f.service.patient.startConversation(
        camille,
        { ...input, text: 'Autre' },
        { idempotencyKey: 'start-1' },
      ),
      { code: 'IDEMPOTENCY_KEY_REUSED' },
    );
    await assert.rejects(f.service.patient.startConversation(camille, input, { idempotencyKey: 'a b' }), {
      code: 'INVALID_IDEMPOTENCY_KEY',
    });
    const replays = await f.store.db
      .selectFrom('audit_records')
      .select(['result', 'reason', 'target'])
      .where('action', '=', 'messaging.conversation.start')
      .where('reason', '=', 'IDEMPOTENT_REPLAY')
      .execute();
    assert.deepEqual(replays, [
      { result: 'success', reason: 'IDEMPOTENT_REPLAY', target: first.conversation.id },
    ]);
  });

  it('concurrent retries of a reply create one message', async () => {
    const { conversation } = await f.service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'S',
      text: 'T',
      attachments: [photo()],
    });
    const before = await counts();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        f.service.patient.reply(
          camille,
          conversation.id,
          { text: 'Une fois' },
          { idempotencyKey: 'reply-1' },
        ),
      ),
    );
    for (const r of results) assert.deepEqual(r, results[0]);
    const after = await counts();
    assert.equal(after.messages, before.messages + 1);
    assert.equal(after.mailboxJournal, before.mailboxJournal + 1);
    // Team replies take keys too.
    const team = await f.service.team.reply(
      alice,
      conversation.id,
      { text: 'Bien reçu' },
      { idempotencyKey: 'k' },
    );
    assert.deepEqual(
      await f.service.team.reply(alice, conversation.id, { text: 'Bien reçu' }, { idempotencyKey: 'k' }),
      team,
    );
    assert.equal((await counts()).messages, before.messages + 2);
  });

  it('a first attempt that failed leaves the key free', async () => {
    const input = { finess: MARKET, subject: '', text: 'x', attachments: [photo()] };
    await assert.rejects(f.service.patient.startConversation(camille, input, { idempotencyKey: 'k2' }), {
      code: 'INVALID_SUBJECT',
    });
    const ok = await f.service.patient.startConversation(
      camille,
      { ...input, subject: 'Objet' },
      { idempotencyKey: 'k2' },
    );
    assert.equal(ok.conversation.subject, 'Objet');
  });
});

describe('quotas', () => {
  it('messages per minute: QUOTA_EXCEEDED with retryAfterSeconds, then allowed again', async () => {
    const service = f.withQuotas({ messagesPerMinute: 3, messagesPerDay: 100, conversationsPerDay: 100 });
    f.clock.set('2026-03-15T12:00:00.000Z');
    const { conversation } = await service.patient.startConversation(david, {
      finess: STATION,
      subject: 'S',
      text: 'T',
      attachments: [photo()],
    });
    f.clock.advance(10_000);
    await service.patient.reply(david, conversation.id, { text: '2' });
    await service.patient.reply(david, conversation.id, { text: '3' });
    const messages = (await counts()).messages;
    f.clock.advance(20_000);
    let error: unknown;
    try {
      await service.patient.reply(david, conversation.id, { text: '4' });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, 'QUOTA_EXCEEDED');
    assert.equal(error.details.retryAfterSeconds, 30);
    assert.equal(error.details.quota, 'messages-minute');
    assert.match(error.message, /patientez/);
    assert.equal((await counts()).messages, messages);
    // A refused attempt does not count: the window still ends 60 s after its first message.
    f.clock.advance(30_000);
    await service.patient.reply(david, conversation.id, { text: '4' });
  });

  it('new conversations per day, counted in the store (a new service instance sees them)', async () => {
    const quotas = { messagesPerMinute: 100, messagesPerDay: 100, conversationsPerDay: 2 };
    f.clock.set('2026-03-15T15:00:00.000Z');
    const input = { finess: MARKET, subject: 'S', text: 'T', attachments: [photo()] };
    const other = camille;
    // Camille already started conversations earlier today: start from an empty count.
    await f.store.db.deleteFrom('messaging_quotas').execute();
    await f.withQuotas(quotas).patient.startConversation(other, input);
    f.clock.advance(3_600_000);
    await f.withQuotas(quotas).patient.startConversation(other, input);
    f.clock.advance(3_600_000);
    await assert.rejects(f.withQuotas(quotas).patient.startConversation(other, input), (e: DomainError) => {
      assert.equal(e.code, 'QUOTA_EXCEEDED');
      assert.equal(e.details.quota, 'conversations-day');
      assert.equal(e.details.retryAfterSeconds, 22 * 3600);
      return true;
    });
    const denied = await f.store.db
      .selectFrom('audit_records')
      .select(['result', 'reason'])
      .where('reason', '=', 'QUOTA_EXCEEDED')
      .execute();
    assert.ok(denied.length >= 1 && denied.every((r) => r.result === 'denied'));
  });

  it('messages per day', async () => {
    const service = f.withQuotas({ messagesPerMinute: 100, messagesPerDay: 2, conversationsPerDay: 100 });
    await f.store.db.deleteFrom('messaging_quotas').execute();
    f.clock.set('2026-03-16T08:00:00.000Z');
    const { conversation } = await service.patient.startConversation(david, {
      finess: STATION,
      subject: 'S',
      text: 'T',
      attachments: [photo()],
    });
    await service.patient.reply(david, conversation.id, { text: '2' });
    await assert.rejects(service.patient.reply(david, conversation.id, { text: '3' }), (e: DomainError) => {
      assert.equal(e.details.quota, 'messages-day');
      assert.equal(e.details.retryAfterSeconds, 86_400);
      return true;
    });
    // The team is not subject to patient quotas.
    await service.team.reply(carol, conversation.id, { text: 'ok' });
  });
});

describe('concurrency', () => {
  it('50 concurrent replies in one conversation: positions 1…51, a strictly increasing journal', async () => {
    const { conversation } = await f.service.patient.startConversation(david, {
      finess: STATION,
      subject: 'S',
      text: 'T',
      attachments: [photo()],
    });
    const mailbox = await f.mailboxOf(conversation.id);
    const head = (await readMailboxJournal(f.store.db, mailbox, 0)).length;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f.service.patient.reply(david, conversation.id, { text: `n°${i}` }),
      ),
    );
    const positions = (
      await f.store.db
        .selectFrom('messages')
        .select('position')
        .where('conversation_id', '=', conversation.id)
        .execute()
    )
      .map((m) => m.position)
      .sort((a, b) => a - b);
    assert.deepEqual(
      positions,
      Array.from({ length: 51 }, (_, i) => i + 1),
    );
    const journal = await readMailboxJournal(f.store.db, mailbox, 0);
    assert.deepEqual(
      journal.map((e) => e.seq),
      Array.from({ length: head + 50 }, (_, i) => i + 1),
    );
    const opened = await f.service.patient.openConversation(david, conversation.id);
    // Each message's In-Reply-To is the one before it.
    for (let i = 1; i < opened.messages.length; i++) {
      assert.equal(opened.messages[i]?.inReplyTo, opened.messages[i - 1]?.messageId);
    }
    assert.equal((await verifyAuditTrail(f.store, { chainKey: TEST_CHAIN_KEY })).ok, true);
  });
});
