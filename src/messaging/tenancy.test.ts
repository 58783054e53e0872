import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import {
  alice,
  CAROL,
  camille,
  carol,
  david,
  MARKET,
  type MessagingFixture,
  marketSoftware,
  openMessagingFixture,
  photo,
  STATION,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { DomainError } from '../domain-error.ts';
import type { TeamMember } from './actors.ts';

/**
 * Every use case retried with another tenant's ids answers NOT_FOUND — the same answer as for an
 * id that does not exist — changes nothing, and leaves a `denied` audit record.
 */
let f: MessagingFixture;
let camilleAtMarket: { conversation: string; attachment: string; template: string };
const stationSoftware: TeamMember = {
  kind: 'software',
  credentialId: '0195f3a2-0000-7000-8000-00000000b002',
  finess: STATION,
};

before(async () => {
  f = await openMessagingFixture(await openTestStore());
  const sent = await f.service.patient.startConversation(camille, {
    finess: MARKET,
    subject: 'Ordonnance',
    text: 'Bonjour',
    attachments: [photo()],
  });
  const template = await f.service.templates.create(alice, MARKET, {
    title: 'Prête',
    body: 'Votre commande est prête.',
  });
  camilleAtMarket = {
    conversation: sent.conversation.id,
    attachment: sent.message.attachments[0]?.id ?? '',
    template: template.id,
  };
  // David has his own conversation at the station, for the station's team to work on.
  await f.service.patient.startConversation(david, {
    finess: STATION,
    subject: 'S',
    text: 'T',
    attachments: [photo()],
  });
});
after(() => f.dispose());

async function expectNotFound(label: string, attempt: () => Promise<unknown>): Promise<DomainError> {
  const before = await f.store.db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirstOrThrow();
  try {
    await attempt();
  } catch (error) {
    assert.ok(error instanceof DomainError, `${label}: ${String(error)}`);
    assert.equal(error.code, 'NOT_FOUND', label);
    assert.deepEqual(error.details, {}, `${label}: nothing about the target leaks`);
    const records = await f.store.db
      .selectFrom('audit_records')
      .selectAll()
      .where('seq', '>', Number(before.seq ?? 0))
      .execute();
    assert.equal(records.length, 1, `${label}: one audit record`);
    assert.equal(records[0]?.result, 'denied', label);
    assert.equal(records[0]?.reason, 'OTHER_TENANT', label);
    return error;
  }
  assert.fail(`${label}: expected NOT_FOUND`);
}

test('another patient gets NOT_FOUND on every patient use case', async () => {
  const { conversation, attachment } = camilleAtMarket;
  const messages = await f.store.db.selectFrom('messages').selectAll().execute();
  await expectNotFound('open', () => f.service.patient.openConversation(david, conversation));
  await expectNotFound('reply', () => f.service.patient.reply(david, conversation, { text: 'Intrus' }));
  await expectNotFound('attachment', () => f.service.patient.attachment(david, attachment));
  assert.deepEqual(await f.store.db.selectFrom('messages').selectAll().execute(), messages);
  assert.ok(!(await f.service.patient.listConversations(david)).items.some((c) => c.id === conversation));
  // The same answer as for an id that does not exist (audited as a failure, not a refusal).
  const unknown = '0195f3a2-0000-7000-8000-0000000000ff';
  for (const attempt of [
    () => f.service.patient.openConversation(david, unknown),
    () => f.service.patient.reply(david, unknown, { text: 'x' }),
    () => f.service.patient.attachment(david, unknown),
    () => f.service.patient.openConversation(david, 'not-a-uuid'),
  ]) {
    await assert.rejects(attempt(), (e: DomainError) => e.code === 'NOT_FOUND' && e.message.length > 0);
  }
});

test("another pharmacy's team member or software gets NOT_FOUND on every team use case", async () => {
  const { conversation, attachment, template } = camilleAtMarket;
  const row = await f.store.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversation)
    .executeTakeFirstOrThrow();
  for (const intruder of [carol, stationSoftware]) {
    const who = intruder.kind;
    await expectNotFound(`${who} list`, () => f.service.team.listConversations(intruder, MARKET));
    await expectNotFound(`${who} open`, () => f.service.team.open(intruder, conversation));
    await expectNotFound(`${who} claim`, () => f.service.team.claim(intruder, conversation));
    await expectNotFound(`${who} hand over`, () => f.service.team.handOver(intruder, conversation, CAROL));
    await expectNotFound(`${who} status`, () =>
      f.service.team.setStatus(intruder, conversation, { code: 'ready' }),
    );
    await expectNotFound(`${who} reply`, () =>
      f.service.team.reply(intruder, conversation, { text: 'Intrus' }),
    );
    await expectNotFound(`${who} close`, () => f.service.team.close(intruder, conversation));
    await expectNotFound(`${who} attachment`, () => f.service.team.attachment(intruder, attachment));
    await expectNotFound(`${who} templates`, () => f.service.templates.list(intruder, MARKET));
    await expectNotFound(`${who} template create`, () =>
      f.service.templates.create(intruder, MARKET, { title: 'x', body: 'y' }),
    );
    await expectNotFound(`${who} template update`, () =>
      f.service.templates.update(intruder, template, { title: 'x', body: 'y' }),
    );
    await expectNotFound(`${who} template delete`, () => f.service.templates.remove(intruder, template));
  }
  // A software credential presenting another pharmacy's FINESS is refused as well.
  await expectNotFound('software of MARKET for STATION', () =>
    f.service.team.listConversations(marketSoftware, STATION),
  );
  // A team's own template cannot be used on another pharmacy's conversation.
  const davidsConversation = (await f.service.team.listConversations(carol, STATION)).items[0]?.id ?? '';
  await expectNotFound('foreign template', () =>
    f.service.team.reply(carol, davidsConversation, { templateId: template }),
  );
  // Nothing changed.
  const after = await f.store.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversation)
    .executeTakeFirstOrThrow();
  assert.deepEqual(after, row);
  assert.equal((await f.service.templates.list(alice, MARKET)).length, 1);
});

test("listings never show another patient's conversations; the audit chain verifies", async () => {
  const camilles = await f.service.patient.listConversations(camille);
  const davids = await f.service.patient.listConversations(david);
  assert.ok(camilles.items.every((c) => !davids.items.some((d) => d.id === c.id)));
  assert.equal((await verifyAuditTrail(f.store, { chainKey: TEST_CHAIN_KEY })).ok, true);
});
