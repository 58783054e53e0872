import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import {
  ALICE,
  alice,
  BOB,
  bob,
  CAROL,
  camille,
  MARKET,
  type MessagingFixture,
  marketSoftware,
  openMessagingFixture,
  pdf,
  photo,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { readMailboxJournal, readPatientJournal } from '../notifications/journal.ts';
import type { TeamFilter } from './listing.ts';

let f: MessagingFixture;
before(async () => {
  f = await openMessagingFixture(await openTestStore());
});
after(() => f.dispose());

const start = async (subject = 'Ordonnance') => {
  f.clock.advance(1000);
  const { conversation } = await f.service.patient.startConversation(camille, {
    finess: MARKET,
    subject,
    text: 'Bonjour, voici mon ordonnance.',
    attachments: [photo()],
  });
  return conversation.id;
};

const listIds = async (member: typeof alice, filter: TeamFilter) =>
  (await f.service.team.listConversations(member, MARKET, { filter, limit: 100 })).items.map((c) => c.id);

describe('team: reading', () => {
  it("two pharmacists' read states are independent", async () => {
    const id = await start();
    const unreadFor = async (member: typeof alice) =>
      (await f.service.team.listConversations(member, MARKET, { limit: 100 })).items.find((c) => c.id === id)
        ?.unread;
    assert.equal(await unreadFor(alice), true);
    assert.equal(await unreadFor(bob), true);

    const opened = await f.service.team.open(alice, id);
    assert.equal(opened.messages.length, 1);
    assert.equal(opened.conversation.unread, false);
    assert.equal(opened.conversation.patient.address, `${camille.matricule}@patient.mssante.fr`);
    assert.equal(await unreadFor(alice), false);
    assert.equal(await unreadFor(bob), true, "Alice's reading is not Bob's");
    assert.ok((await listIds(bob, 'unread')).includes(id));
    assert.ok(!(await listIds(alice, 'unread')).includes(id));

    // A new patient message is unread again for Alice, still unread for Bob.
    f.clock.advance(1000);
    await f.service.patient.reply(camille, id, { text: 'Et aussi du paracétamol.' });
    assert.equal(await unreadFor(alice), true);
    await f.service.team.open(bob, id);
    assert.equal(await unreadFor(bob), false);
    assert.equal(await unreadFor(alice), true);
    // The software credential has its own read state too.
    assert.equal(
      (await f.service.team.listConversations(marketSoftware, MARKET, { limit: 100 })).items.find(
        (c) => c.id === id,
      )?.unread,
      true,
    );
    // Re-opening without anything new writes no journal entry.
    const mailbox = await f.mailboxOf(id);
    const before = (await readMailboxJournal(f.store.db, mailbox, 0)).length;
    await f.service.team.open(bob, id);
    assert.equal((await readMailboxJournal(f.store.db, mailbox, 0)).length, before);
  });

  it("lists what the patient's latest message carried, without marking it read", async () => {
    const id = await start();
    const listed = async () =>
      (await f.service.team.listConversations(bob, MARKET, { limit: 100 })).items.find((c) => c.id === id);
    assert.deepEqual((await listed())?.latestPatientAttachments, [
      { kind: 'image', prescriptionNumbers: [] },
    ]);
    f.clock.advance(1000);
    await f.service.patient.reply(camille, id, {
      text: 'Et la suite.',
      attachments: [photo(undefined, ['EP0123456789AB']), pdf()],
    });
    await f.service.team.reply(alice, id, { text: 'Bien reçu.' });
    const seen = await listed();
    assert.deepEqual(seen?.latestPatientAttachments, [
      { kind: 'image', prescriptionNumbers: ['EP0123456789AB'] },
      { kind: 'pdf', prescriptionNumbers: [] },
    ]);
    assert.equal(seen?.unread, true, 'listing does not mark it read');
  });

  it('reads without marking read when asked (markRead: false): no `read` in the journal', async () => {
    const id = await start();
    const mailbox = await f.mailboxOf(id);
    const reads = async () =>
      (await readMailboxJournal(f.store.db, mailbox, 0)).filter((e) => e.kind === 'read' && e.ref === id)
        .length;
    const shown = await f.service.team.open(alice, id, undefined, { markRead: false });
    assert.equal(shown.messages.length, 1);
    assert.equal(shown.conversation.unread, true);
    assert.ok((await listIds(alice, 'unread')).includes(id));
    assert.equal(await reads(), 0);
    await f.service.team.open(alice, id);
    assert.ok(!(await listIds(alice, 'unread')).includes(id));
    assert.equal(await reads(), 1);
  });

  it("`waiting` lists what nobody of the team has read, answered or moved since the patient's message", async () => {
    const read = await start('Lue');
    const answered = await start('Répondue');
    const claimed = await start('Prise');
    const waiting = await start('En attente');
    await f.service.team.open(bob, read, undefined, { markRead: false });
    assert.ok((await listIds(alice, 'waiting')).includes(read), 'a non-marking read is no acknowledgement');
    await f.service.team.open(bob, read);
    await f.service.team.reply(bob, answered, { text: 'Bien reçu.' });
    await f.service.team.claim(bob, claimed);
    const ids = await listIds(alice, 'waiting');
    assert.ok(ids.includes(waiting));
    for (const gone of [read, answered, claimed]) assert.ok(!ids.includes(gone), gone);
    // The patient writes again: waiting again, unless claimed.
    f.clock.advance(1000);
    await f.service.patient.reply(camille, read, { text: 'Autre chose.' });
    await f.service.patient.reply(camille, answered, { text: 'Merci, et aussi…' });
    await f.service.patient.reply(camille, claimed, { text: 'Encore moi.' });
    const again = await listIds(alice, 'waiting');
    assert.ok(again.includes(read) && again.includes(answered));
    assert.ok(!again.includes(claimed));
  });
});

describe('team: workflow', () => {
  it('claim and hand-over are visible to the whole team', async () => {
    const id = await start();
    assert.ok((await listIds(bob, 'new')).includes(id));
    const claimed = await f.service.team.claim(alice, id);
    assert.deepEqual(claimed.claimedBy, { rpps: ALICE, name: 'Alice Dubois' });
    const seenByBob = (await f.service.team.listConversations(bob, MARKET, { limit: 100 })).items.find(
      (c) => c.id === id,
    );
    assert.deepEqual(seenByBob?.claimedBy, { rpps: ALICE, name: 'Alice Dubois' });
    assert.ok(!(await listIds(bob, 'new')).includes(id));
    assert.ok((await listIds(alice, 'mine')).includes(id));
    assert.ok(!(await listIds(bob, 'mine')).includes(id));
    await assert.rejects(f.service.team.claim(bob, id), { code: 'ALREADY_CLAIMED' });
    await assert.rejects(f.service.team.claim(marketSoftware, id), { code: 'CLAIM_NEEDS_A_PERSON' });

    await assert.rejects(f.service.team.handOver(alice, id, CAROL), { code: 'NOT_A_COLLEAGUE' });
    await assert.rejects(f.service.team.handOver(alice, id, '123'), { code: 'INVALID_RPPS' });
    const handed = await f.service.team.handOver(alice, id, BOB);
    assert.deepEqual(handed.claimedBy, { rpps: BOB, name: 'Bob Lefèvre' });
    assert.ok((await listIds(bob, 'mine')).includes(id));
    assert.ok(!(await listIds(alice, 'mine')).includes(id));
    const opened = await f.service.team.open(alice, id);
    assert.equal(opened.conversation.claimedBy?.rpps, BOB);
  });

  it('sets the preparation status the patient sees, with the journals', async () => {
    const id = await start();
    await f.service.team.setStatus(bob, id, { code: 'in_preparation' });
    assert.ok((await listIds(bob, 'in_progress')).includes(id));
    const partial = await f.service.team.setStatus(bob, id, {
      code: 'partial',
      restExpectedOn: '2026-03-18',
    });
    assert.deepEqual(partial.status, { code: 'partial', restExpectedOn: '2026-03-18' });
    assert.ok((await listIds(bob, 'in_progress')).includes(id));
    await assert.rejects(f.service.team.setStatus(bob, id, { code: 'collected' }), {
      code: 'STATUS_TRANSITION_NOT_ALLOWED',
    });
    await assert.rejects(
      f.service.team.setStatus(bob, id, { code: 'partial', restExpectedOn: '2026-03-01' }),
      {
        code: 'INVALID_REST_DATE',
      },
    );
    await f.service.team.setStatus(marketSoftware, id, { code: 'ready' });
    assert.ok((await listIds(bob, 'ready')).includes(id));
    const seen = (await f.service.patient.listConversations(camille, { limit: 100 })).items.find(
      (c) => c.id === id,
    );
    assert.deepEqual(seen?.status, { code: 'ready' });
    const patientKinds = (await readPatientJournal(f.store.db, camille.matricule, 0))
      .filter((e) => e.ref === id)
      .map((e) => e.kind);
    assert.deepEqual(patientKinds, ['conversation.new', 'status', 'status', 'status']);
    await f.service.team.setStatus(alice, id, { code: 'collected' });
    const cannot = await start();
    const refused = await f.service.team.setStatus(alice, cannot, {
      code: 'cannot_fill',
      reason: ' Produit arrêté par le laboratoire. ',
    });
    assert.deepEqual(refused.status, { code: 'cannot_fill', reason: 'Produit arrêté par le laboratoire.' });
  });

  it('a patient message after « retirée » or « impossible » starts a new cycle the team moves again', async () => {
    for (const final of [
      { code: 'collected' as const },
      { code: 'cannot_fill' as const, reason: 'Rupture.' },
    ]) {
      const id = await start();
      if (final.code === 'collected') await f.service.team.setStatus(alice, id, { code: 'ready' });
      await f.service.team.setStatus(alice, id, final);
      await assert.rejects(f.service.team.setStatus(alice, id, { code: 'in_preparation' }), {
        code: 'STATUS_TRANSITION_NOT_ALLOWED',
      });
      f.clock.advance(1000);
      await f.service.patient.reply(camille, id, { text: 'Une nouvelle demande, s’il vous plaît.' });
      const seen = await f.service.patient.openConversation(camille, id);
      assert.deepEqual(seen.conversation.status, { code: 'received' });
      assert.equal(seen.messages.length, 2, 'the earlier request stays in the conversation');
      const moved = await f.service.team.setStatus(alice, id, { code: 'in_preparation' });
      assert.deepEqual(moved.status, { code: 'in_preparation' });
      // The journals keep the earlier cycle's entries, then the new request and its status.
      const kinds = (await readPatientJournal(f.store.db, camille.matricule, 0))
        .filter((e) => e.ref === id)
        .map((e) => e.kind);
      assert.deepEqual(kinds.slice(-2), ['message.patient', 'status']);
      assert.ok(kinds.filter((k) => k === 'status').length >= 2);
    }
  });

  it('replies from a template the team edits; software replies as the pharmacy', async () => {
    const template = await f.service.templates.create(alice, MARKET, {
      title: 'Prête',
      body: 'Votre commande est prête, à bientôt.',
    });
    const updated = await f.service.templates.update(bob, template.id, {
      title: 'Commande prête',
      body: 'Votre commande est prête : présentez votre carte Vitale.',
    });
    assert.equal(updated.updatedBy, BOB);
    assert.deepEqual(
      (await f.service.templates.list(alice, MARKET)).map((t) => t.title),
      ['Commande prête'],
    );
    await assert.rejects(f.service.templates.create(alice, MARKET, { title: '', body: 'x' }), {
      code: 'INVALID_TEMPLATE',
    });

    const id = await start();
    const reply = await f.service.team.reply(alice, id, { templateId: template.id });
    assert.equal(reply.message.text, 'Votre commande est prête : présentez votre carte Vitale.');
    assert.equal(reply.message.author.name, 'Alice Dubois');
    assert.equal(reply.conversation.unread, false, 'replying reads');
    const own = await f.service.team.reply(alice, id, { templateId: template.id, text: 'Texte libre.' });
    assert.equal(own.message.text, 'Texte libre.');
    const bySoftware = await f.service.team.reply(marketSoftware, id, { text: 'Message du logiciel.' });
    assert.equal(bySoftware.message.author.kind, 'software');
    assert.equal(bySoftware.message.author.name, 'Pharmacie du Marché');
    await assert.rejects(f.service.team.reply(alice, id, { text: '  ' }), { code: 'INVALID_TEXT' });

    await f.service.templates.remove(alice, template.id);
    await assert.rejects(f.service.team.reply(alice, id, { templateId: template.id }), { code: 'NOT_FOUND' });
    assert.deepEqual(await f.service.templates.list(alice, MARKET), []);
  });

  it('closes: the patient can no longer write, the team can still read; closed list', async () => {
    const id = await start();
    const closed = await f.service.team.close(bob, id, { text: 'Bonne journée.' });
    assert.equal(closed.open, false);
    assert.ok((await listIds(alice, 'closed')).includes(id));
    assert.ok((await listIds(alice, 'all')).includes(id));
    await assert.rejects(f.service.patient.reply(camille, id, { text: 'Encore une question' }), {
      code: 'CONVERSATION_CLOSED',
    });
    await assert.rejects(f.service.team.reply(alice, id, { text: 'Oubli' }), { code: 'CONVERSATION_CLOSED' });
    await assert.rejects(f.service.team.close(alice, id), { code: 'CONVERSATION_CLOSED' });
    const opened = await f.service.team.open(alice, id);
    assert.equal(opened.messages.at(-1)?.closesConversation, true);
    const row = await f.store.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.closed_by, BOB);
    const kinds = (await readPatientJournal(f.store.db, camille.matricule, 0))
      .filter((e) => e.ref === id)
      .map((e) => e.kind);
    assert.equal(kinds.at(-1), 'close');
    // Closing without a last message.
    const quiet = await start();
    assert.equal((await f.service.team.close(marketSoftware, quiet)).open, false);
  });

  it('lists newest first with cursor paging, and refuses unknown filters', async () => {
    const all = await f.service.team.listConversations(alice, MARKET, { limit: 100 });
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await f.service.team.listConversations(alice, MARKET, { limit: 3, cursor });
      paged.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      paged,
      all.items.map((c) => c.id),
    );
    const times = all.items.map((c) => c.lastMessageAt);
    assert.deepEqual(times, [...times].sort().reverse());
    await assert.rejects(
      f.service.team.listConversations(alice, MARKET, { filter: 'everything' as TeamFilter }),
      { code: 'INVALID_FILTER' },
    );
  });

  it('every team action is journalled for the mailbox and audited; the chain verifies', async () => {
    const mailbox = (
      await f.store.db
        .selectFrom('mailboxes')
        .select('id')
        .where('pharmacy_finess', '=', MARKET)
        .executeTakeFirstOrThrow()
    ).id;
    const journal = await readMailboxJournal(f.store.db, mailbox, 0);
    assert.deepEqual(
      journal.map((e) => e.seq),
      journal.map((_, i) => i + 1),
    );
    const kinds = new Set(journal.map((e) => e.kind));
    for (const kind of [
      'conversation.new',
      'message.patient',
      'message.team',
      'status',
      'claim',
      'handover',
      'read',
      'close',
    ]) {
      assert.ok(kinds.has(kind as never), kind);
    }
    const records = await f.store.db.selectFrom('audit_records').selectAll().execute();
    const actions = new Set(records.map((r) => r.action));
    for (const action of [
      'messaging.conversation.claim',
      'messaging.conversation.handover',
      'messaging.conversation.status',
      'messaging.conversation.close',
      'messaging.conversation.open',
      'messaging.conversation.list',
      'messaging.message.reply',
      'messaging.template.create',
      'messaging.template.update',
      'messaging.template.delete',
      'messaging.template.list',
    ]) {
      assert.ok(actions.has(action), action);
    }
    const teamRecords = records.filter(
      (r) => r.action === 'messaging.conversation.claim' && r.result === 'success',
    );
    assert.ok(teamRecords.every((r) => r.on_behalf_of === mailbox));
    const text = JSON.stringify(records);
    for (const secret of [
      'Bonjour',
      'Votre commande',
      'Prête',
      'Ordonnance',
      'Produit arrêté',
      camille.matricule,
    ]) {
      assert.ok(!text.includes(secret), secret);
    }
    assert.equal((await verifyAuditTrail(f.store, { chainKey: TEST_CHAIN_KEY })).ok, true);
  });
});
