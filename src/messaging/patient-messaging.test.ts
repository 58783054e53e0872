import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { finessFrom } from '../../test/helpers/identifiers.ts';
import {
  alice,
  camille,
  carol,
  david,
  EXPIRED,
  HIDDEN,
  MARKET,
  MESSAGE_ID_DOMAIN,
  type MessagingFixture,
  openMessagingFixture,
  pdf,
  photo,
  STATION,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { DomainError } from '../domain-error.ts';
import { readMailboxJournal, readPatientJournal } from '../notifications/journal.ts';
import { createMessagingService } from './service.ts';

let f: MessagingFixture;
before(async () => {
  f = await openMessagingFixture(await openTestStore());
});
after(() => f.dispose());

const count = (table: 'conversations' | 'messages' | 'message_attachments') => f.rowCount(table);

const rejection = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    assert.ok(error.message.length > 0, 'a French message');
    return error;
  }
  assert.fail('expected a DomainError');
};

const mailboxOf = async (finess: string) =>
  (
    await f.store.db
      .selectFrom('mailboxes')
      .select('id')
      .where('pharmacy_finess', '=', finess)
      .executeTakeFirstOrThrow()
  ).id;

describe('patient: which pharmacies', () => {
  it('lists the eligible pharmacies with their explanation, and explains a refusal', async () => {
    const list = await f.service.patient.eligiblePharmacies(camille);
    assert.deepEqual(list.map((p) => p.finess).sort(), [MARKET, STATION].sort());
    assert.match(list[0]?.explanation ?? '', /Vous pouvez écrire à cette pharmacie jusqu'au/);
    const expired = await f.service.patient.checkPharmacy(camille, EXPIRED);
    assert.equal(expired.verdict.eligible, false);
    assert.match(expired.explanation, /20 février 2026/);
    await assert.rejects(f.service.patient.checkPharmacy(camille, '123'), { code: 'INVALID_FINESS' });
  });

  it('gives the whole history, the refused pharmacies with the reason', async () => {
    const history = await f.service.patient.pharmacyHistory(camille);
    const byFiness = new Map(history.map((p) => [p.finess, p]));
    assert.equal(byFiness.get(MARKET)?.verdict.eligible, true);
    const expired = byFiness.get(EXPIRED);
    assert.equal(expired?.verdict.eligible, false);
    assert.equal(expired?.verdict.eligible === false && expired.verdict.reason, 'EXPIRED');
    assert.match(expired?.explanation ?? '', /20 février 2026/);
  });
});

describe('patient: starting a conversation', () => {
  it('sends to an eligible pharmacy: conversation, message with Message-ID, attachments, journals', async () => {
    const result = await f.service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'Ordonnance de renouvellement',
      text: 'Bonjour,\r\nvoici mon ordonnance.',
      attachments: [photo('a', ['EP7KX2M9Q4']), pdf('b')],
    });
    assert.equal(result.conversation.pharmacy.finess, MARKET);
    assert.equal(result.conversation.pharmacy.name, 'Pharmacie du Marché');
    assert.deepEqual(result.conversation.status, { code: 'received' });
    assert.equal(result.conversation.open, true);
    assert.equal(result.conversation.unread, false);
    assert.equal(result.message.text, 'Bonjour,\nvoici mon ordonnance.');
    assert.equal(result.message.messageId, `<${result.message.id}@${MESSAGE_ID_DOMAIN}>`);
    assert.equal(result.message.inReplyTo, null);
    assert.deepEqual(result.message.references, []);
    assert.equal(result.message.author.name, 'Camille Martin');
    assert.deepEqual(
      result.message.attachments.map((a) => [a.kind, a.fileName, a.prescriptionNumbers, a.flags]),
      [
        ['image', 'ordonnance-a.jpg', ['EP7KX2M9Q4'], []],
        ['pdf', 'document-b.pdf', [], ['PDF_JAVASCRIPT']],
      ],
    );
    const mailbox = await mailboxOf(MARKET);
    const journal = await readMailboxJournal(f.store.db, mailbox, 0);
    assert.deepEqual(
      journal.map((e) => [e.kind, e.ref]),
      [['conversation.new', result.conversation.id]],
    );
    const patientJournal = await readPatientJournal(f.store.db, camille.matricule, 0);
    assert.deepEqual(
      patientJournal.map((e) => e.kind),
      ['conversation.new'],
    );
  });

  it('refuses a pharmacy whose eligibility ended last month, with the explanation, and creates nothing', async () => {
    const before = await count('conversations');
    const error = await rejection(
      f.service.patient.startConversation(camille, {
        finess: EXPIRED,
        subject: 'Ordonnance',
        text: 'Bonjour',
        attachments: [photo()],
      }),
    );
    assert.equal(error.code, 'PHARMACY_NOT_ELIGIBLE');
    assert.equal(error.details.reason, 'EXPIRED');
    assert.equal(error.details.eligibleUntil, '2026-02-20');
    assert.match(String(error.details.explanation), /vous pouviez lui écrire jusqu'au 20 février 2026/);
    assert.equal(await count('conversations'), before);
  });

  it('refuses every other ineligible pharmacy with its reason', async () => {
    const cases: Array<[typeof camille, string, string]> = [
      [camille, HIDDEN, 'NO_PUBLISHED_MAILBOX'],
      [david, MARKET, 'NO_REIMBURSED_DISPENSATION'],
      [camille, finessFrom('75999999'), 'UNKNOWN_PHARMACY'],
    ];
    for (const [patient, finess, reason] of cases) {
      const error = await rejection(
        f.service.patient.startConversation(patient, {
          finess,
          subject: 'S',
          text: 'T',
          attachments: [photo()],
        }),
      );
      assert.equal(error.code, 'PHARMACY_NOT_ELIGIBLE', finess);
      assert.equal(error.details.reason, reason);
    }
    // David may write to his own pharmacy.
    await f.service.patient.startConversation(david, {
      finess: STATION,
      subject: 'Vaccin',
      text: 'Bonjour',
      attachments: [photo()],
    });
  });

  it('checks subject, text and the number of attachments', async () => {
    const start = (input: Partial<Parameters<typeof f.service.patient.startConversation>[1]>) =>
      f.service.patient.startConversation(camille, {
        finess: MARKET,
        subject: 'Objet',
        text: 'Texte',
        attachments: [photo()],
        ...input,
      });
    assert.equal((await rejection(start({ subject: '  ' }))).code, 'INVALID_SUBJECT');
    assert.equal((await rejection(start({ subject: 'a\r\nBcc: x' }))).code, 'INVALID_SUBJECT');
    assert.equal((await rejection(start({ subject: 'x'.repeat(201) }))).code, 'INVALID_SUBJECT');
    assert.equal((await rejection(start({ text: 'x'.repeat(10_001) }))).code, 'INVALID_TEXT');
    assert.equal((await rejection(start({ text: 'nul\u0000' }))).code, 'INVALID_TEXT');
    assert.equal((await rejection(start({ attachments: [] }))).code, 'ATTACHMENT_COUNT');
    assert.equal(
      (await rejection(start({ attachments: Array.from({ length: 6 }, () => photo()) }))).code,
      'ATTACHMENT_COUNT',
    );
    assert.equal((await rejection(start({ finess: 'abc' }))).code, 'INVALID_FINESS');
    // The attachment's bytes must be in the blob store before its record is written.
    const stored = new Set<string>();
    const strict = createMessagingService({ ...f.deps, blobs: { has: async (sha) => stored.has(sha) } });
    const file = photo('stored');
    const startStrict = () =>
      strict.patient.startConversation(camille, {
        finess: MARKET,
        subject: 'S',
        text: 'T',
        attachments: [file],
      });
    assert.equal((await rejection(startStrict())).code, 'ATTACHMENT_NOT_STORED');
    stored.add(file.blob.sha256);
    assert.equal((await rejection(startStrict())).code, 'ATTACHMENT_NOT_STORED', 'the thumbnail too');
    if (file.thumbnail) stored.add(file.thumbnail.sha256);
    await startStrict();
    // Text may be empty when attachments say it all.
    const ok = await start({ text: '' });
    assert.equal(ok.message.text, '');
  });
});

describe('patient: replying, listing, reading', () => {
  it('replies carry In-Reply-To and References; the list shows unread pharmacy messages', async () => {
    const { conversation, message: first } = await f.service.patient.startConversation(camille, {
      finess: STATION,
      subject: 'Question',
      text: 'Avez-vous ce médicament ?',
      attachments: [photo()],
    });
    f.clock.advance(1000);
    const second = await f.service.patient.reply(camille, conversation.id, {
      text: 'Précision : boîte de 30.',
    });
    assert.equal(second.message.inReplyTo, first.messageId);
    assert.deepEqual(second.message.references, [first.messageId]);
    f.clock.advance(1000);
    const answer = await f.service.team.reply(carol, conversation.id, { text: 'Oui, nous l’avons.' });
    assert.equal(answer.message.inReplyTo, second.message.messageId);
    assert.deepEqual(answer.message.references, [first.messageId, second.message.messageId]);
    assert.equal(answer.message.author.kind, 'professional');

    const page = await f.service.patient.listConversations(camille);
    const listed = page.items.find((c) => c.id === conversation.id);
    assert.equal(listed?.unread, true);
    assert.equal(page.items[0]?.id, conversation.id, 'newest activity first');

    const opened = await f.service.patient.openConversation(camille, conversation.id);
    assert.deepEqual(
      opened.messages.map((m) => m.author.kind),
      ['patient', 'patient', 'professional'],
    );
    assert.equal(opened.messages[2]?.author.name, 'Carol Moreau');
    const again = await f.service.patient.listConversations(camille);
    assert.equal(again.items.find((c) => c.id === conversation.id)?.unread, false);
    const kinds = (await readPatientJournal(f.store.db, camille.matricule, 0)).map((e) => e.kind);
    assert.deepEqual(kinds.slice(-3), ['message.patient', 'message.team', 'read']);
  });

  it('pages newest first with a cursor', async () => {
    const all = await f.service.patient.listConversations(camille, { limit: 100 });
    assert.ok(all.items.length >= 3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await f.service.patient.listConversations(camille, { limit: 2, cursor });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      seen,
      all.items.map((c) => c.id),
    );
    const sorted = [...all.items].sort((a, b) =>
      a.lastMessageAt === b.lastMessageAt
        ? a.id < b.id
          ? 1
          : -1
        : a.lastMessageAt < b.lastMessageAt
          ? 1
          : -1,
    );
    assert.deepEqual(all.items, sorted);
    await assert.rejects(f.service.patient.listConversations(camille, { cursor: 'nope!' }), {
      code: 'INVALID_CURSOR',
    });
    await assert.rejects(f.service.patient.listConversations(camille, { limit: 0 }), {
      code: 'INVALID_PAGE_SIZE',
    });
  });

  it('a closed conversation refuses the patient reply with CONVERSATION_CLOSED; the patient can still read it', async () => {
    const { conversation } = await f.service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'Ordonnance',
      text: 'Bonjour',
      attachments: [photo()],
    });
    await f.service.team.close(alice, conversation.id, { text: 'Commande retirée, bonne journée.' });
    const messages = await count('messages');
    const error = await rejection(f.service.patient.reply(camille, conversation.id, { text: 'Merci !' }));
    assert.equal(error.code, 'CONVERSATION_CLOSED');
    assert.equal(await count('messages'), messages);
    const opened = await f.service.patient.openConversation(camille, conversation.id);
    assert.equal(opened.conversation.open, false);
    assert.equal(opened.messages.at(-1)?.closesConversation, true);
  });

  it('audits every action with ids only, and the chain verifies', async () => {
    const records = await f.store.db.selectFrom('audit_records').selectAll().execute();
    const actions = new Set(records.map((r) => `${r.action}:${r.result}`));
    for (const expected of [
      'messaging.pharmacies.list:success',
      'messaging.pharmacies.history:success',
      'messaging.pharmacy.check:success',
      'messaging.conversation.start:success',
      'messaging.conversation.start:denied',
      'messaging.conversation.start:failure',
      'messaging.message.reply:success',
      'messaging.message.reply:denied',
      'messaging.conversation.list:success',
      'messaging.conversation.open:success',
      'messaging.conversation.close:success',
    ]) {
      assert.ok(actions.has(expected), expected);
    }
    const text = JSON.stringify(records);
    for (const secret of ['Ordonnance', 'Bonjour', 'ordonnance-', 'Question', camille.matricule, 'Camille']) {
      assert.ok(!text.includes(secret), `audit_records must not contain ${secret}`);
    }
    assert.equal((await verifyAuditTrail(f.store, { chainKey: TEST_CHAIN_KEY })).ok, true);
  });
});
