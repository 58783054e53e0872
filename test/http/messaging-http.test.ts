import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chainKeyOf } from '../../src/audit/chain-key.ts';
import { verifyAuditTrail } from '../../src/audit/verify.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { PHARMACIES } from '../../src/demo/france.ts';
import { addMonths, localDate } from '../../src/time/local-date.ts';
import { Browser } from '../auth/browser.ts';
import { login, me } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { rppsFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * Messaging through the HTTP API only, as the patient app, the counter app and pharmacy software
 * would use it: a demo patient writes to the demo pharmacy with an e-prescription from her record,
 * the team works the conversation, and every route refuses another tenant's ids with 404.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const lucas = DEMO_ACCOUNTS.patients[1];
const claire = DEMO_ACCOUNTS.professionals[0];
const thomas = DEMO_ACCOUNTS.professionals[1];
const otherPharmacy = PHARMACIES.find((p) => p.finess !== DEMO_PHARMACY.finess);
if (!camille || !lucas || !claire || !thomas || !otherPharmacy) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
const OUTSIDER = rppsFrom('1999999990');
/** Works in both pharmacies: a URL naming one never reaches the other's conversations. */
const BOTH = rppsFrom('1999999980');

/** Answers as the test reads them: the API's schemas are checked by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field by the assertions
type Json = Record<string, any>;

class Client {
  readonly browser = new Browser();
  csrf = '';
  constructor(readonly base: () => string) {}

  async login(segment: 'patient' | 'pro', account: string) {
    await login(this.browser, this.base(), segment, { account });
    this.csrf = String((await me(this.browser, this.base())).body.csrfToken);
    return this;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await this.browser.fetch(`${this.base()}${path}`, {
      method,
      headers: {
        origin: this.base(),
        'x-csrf-token': this.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = response.headers.get('content-type') ?? '';
    const json = type.includes('application/json') ? ((await response.json()) as Json) : {};
    return { status: response.status, headers: response.headers, json, response };
  }
}

describe('messaging over HTTP', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  const base = () => server.base;
  const patient = new Client(base);
  const otherPatient = new Client(base);
  const pharmacist = new Client(base);
  const colleague = new Client(base);
  const outsider = new Client(base);
  const both = new Client(base);
  let conversationId = '';
  let attachmentId = '';
  let prescriptionNumber = '';
  let templateId = '';

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir });
    // A pharmacist of another pharmacy: the other tenant of the team routes.
    await server.app.directory.saveProfessional(
      {
        rpps: OUTSIDER,
        familyName: 'Autre',
        givenName: 'Alex',
        finess: otherPharmacy.finess,
        role: 'titulaire',
      },
      new Date().toISOString(),
    );
    for (const finess of [otherPharmacy.finess, FINESS]) {
      await server.app.directory.saveProfessional(
        { rpps: BOTH, familyName: 'Double', givenName: 'Sam', finess, role: 'adjoint' },
        new Date().toISOString(),
      );
    }
    await both.login('pro', BOTH);
    await patient.login('patient', camille.matricule);
    await otherPatient.login('patient', lucas.matricule);
    await pharmacist.login('pro', claire.rpps);
    await colleague.login('pro', thomas.rpps);
    await outsider.login('pro', OUTSIDER);
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('the patient sees her address, the pharmacies she may write to, and her documents', async () => {
    const who = await patient.call('GET', '/api/me');
    assert.equal(who.json.address, camille.address);

    const listed = await patient.call('GET', '/api/patient/pharmacies');
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('cache-control'), 'no-store');
    const demo = listed.json.pharmacies.find((p: Json) => p.finess === FINESS);
    assert.ok(demo, 'the demo pharmacy is open to her');
    assert.match(demo.explanation, /\d{4}/);

    const documents = await patient.call('GET', '/api/patient/documents');
    assert.equal(documents.status, 200);
    const prescription = documents.json.documents.find((d: Json) => d.kind === 'eprescription');
    assert.ok(prescription?.prescriptionNumber);
    prescriptionNumber = prescription.prescriptionNumber;
  });

  it('is refused by the pharmacy whose eligibility ended last month, with the French explanation', async () => {
    const today = localDate(new Date());
    const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
    const history = await server.app.eligibility.history(camille.matricule);
    const expired = history.find(
      (h) =>
        !h.verdict.eligible &&
        h.verdict.reason === 'EXPIRED' &&
        h.verdict.eligibleUntil.startsWith(lastMonth),
    );
    assert.ok(expired, 'the demo patient has a pharmacy whose eligibility ended last month');

    const why = await patient.call('GET', `/api/patient/pharmacies/${expired.finess}/eligibility`);
    assert.equal(why.status, 200);
    assert.equal(why.json.verdict.eligible, false);
    assert.equal(why.json.explanation, expired.explanation);
    const whole = await patient.call('GET', '/api/patient/pharmacy-history');
    assert.equal(whole.status, 200);
    const listedExpired = whole.json.pharmacies.find((p: Json) => p.finess === expired.finess);
    assert.equal(listedExpired?.verdict.reason, 'EXPIRED');
    assert.equal(listedExpired?.explanation, expired.explanation);

    const documents = (await patient.call('GET', '/api/patient/documents')).json.documents as Json[];
    const refused = await patient.call('POST', '/api/patient/conversations', {
      finess: expired.finess,
      subject: 'Mon ordonnance',
      text: 'Bonjour',
      documentIds: [documents.find((d) => d.kind === 'eprescription')?.id],
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'PHARMACY_NOT_ELIGIBLE');
    assert.equal(refused.json.error.message, expired.explanation);
  });

  it('starts a conversation with an e-prescription from her record; a retry returns the same result', async () => {
    const documents = (await patient.call('GET', '/api/patient/documents')).json.documents as Json[];
    const document = documents.find((d) => d.prescriptionNumber === prescriptionNumber);
    const body = {
      finess: FINESS,
      subject: 'Mon ordonnance',
      text: 'Bonjour, pouvez-vous préparer cette ordonnance ?',
      documentIds: [document?.id],
    };
    const key = { 'idempotency-key': 'send-0001' };
    const sent = await patient.call('POST', '/api/patient/conversations', body, key);
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    conversationId = sent.json.conversation.id;
    const attachment = sent.json.message.attachments[0];
    attachmentId = attachment.id;
    assert.deepEqual(attachment.prescriptionNumbers, [prescriptionNumber]);
    assert.equal(attachment.mediaType, 'application/pdf');

    const retried = await patient.call('POST', '/api/patient/conversations', body, key);
    assert.equal(retried.status, 201);
    assert.deepEqual(retried.json, sent.json);
    const mine = await patient.call('GET', '/api/patient/conversations');
    assert.equal(
      mine.json.items.filter((c: Json) => c.pharmacy.finess === FINESS && c.subject === body.subject).length,
      1,
    );
  });

  it('a pharmacist lists, opens, claims, sets ready and replies; a colleague still sees it unread', async () => {
    const path = `/api/pharmacies/${FINESS}/conversations`;
    const fresh = await pharmacist.call('GET', `${path}?filter=new`);
    assert.equal(fresh.status, 200);
    const listed = fresh.json.items.find((c: Json) => c.id === conversationId);
    assert.equal(listed?.unread, true);

    const opened = await pharmacist.call('GET', `${path}/${conversationId}`);
    assert.equal(opened.status, 200);
    assert.equal(opened.json.conversation.unread, false);
    assert.equal(opened.json.messages.length, 1);

    const lines = await pharmacist.call(
      'GET',
      `${path}/${conversationId}/prescriptions/${prescriptionNumber}`,
    );
    assert.equal(lines.status, 200);
    assert.ok(lines.json.lines.length >= 1);

    const file = await pharmacist.call('GET', `/api/pharmacies/${FINESS}/attachments/${attachmentId}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment; filename=/);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    const thumbnail = await patient.call('GET', `/api/patient/attachments/${attachmentId}/thumbnail`);
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers.get('content-type'), 'image/jpeg');
    assert.match(file.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.equal(
      Buffer.from(await file.response.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );

    const claimed = await pharmacist.call('POST', `${path}/${conversationId}/claim`);
    assert.equal(claimed.status, 200);
    assert.equal(claimed.json.claimedBy.rpps, claire.rpps);
    const again = await colleague.call('POST', `${path}/${conversationId}/claim`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'ALREADY_CLAIMED');
    const handed = await pharmacist.call('POST', `${path}/${conversationId}/hand-over`, {
      rpps: thomas.rpps,
    });
    assert.equal(handed.status, 200, JSON.stringify(handed.json));
    assert.equal(handed.json.claimedBy.rpps, thomas.rpps);
    const back = await colleague.call('POST', `${path}/${conversationId}/hand-over`, { rpps: claire.rpps });
    assert.equal(back.json.claimedBy.rpps, claire.rpps);

    const noDate = await pharmacist.call('POST', `${path}/${conversationId}/status`, { status: 'partial' });
    assert.equal(noDate.status, 400);
    assert.equal(noDate.json.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(noDate.json.error.details.fields, ['body.restExpectedOn']);

    const ready = await pharmacist.call('POST', `${path}/${conversationId}/status`, { status: 'ready' });
    assert.equal(ready.status, 200, JSON.stringify(ready.json));
    assert.deepEqual(ready.json.status, { code: 'ready' });

    const template = await pharmacist.call('POST', `/api/pharmacies/${FINESS}/templates`, {
      title: 'Prête',
      body: 'Votre commande est prête, à bientôt !',
    });
    assert.equal(template.status, 201);
    templateId = template.json.id;
    const templates = await colleague.call('GET', `/api/pharmacies/${FINESS}/templates`);
    assert.ok(templates.json.templates.some((t: Json) => t.id === templateId));

    const key = { 'idempotency-key': 'reply-0001' };
    const replied = await pharmacist.call('POST', `${path}/${conversationId}/messages`, { templateId }, key);
    assert.equal(replied.status, 201, JSON.stringify(replied.json));
    assert.equal(replied.json.message.text, 'Votre commande est prête, à bientôt !');
    assert.ok(replied.json.message.inReplyTo);
    const retried = await pharmacist.call('POST', `${path}/${conversationId}/messages`, { templateId }, key);
    assert.deepEqual(retried.json, replied.json);

    const theirs = await colleague.call('GET', `${path}?filter=unread`);
    assert.ok(
      theirs.json.items.some(
        (c: Json) => c.id === conversationId && c.unread && c.claimedBy.rpps === claire.rpps,
      ),
    );
  });

  it('a counter refreshing with markRead=false leaves it unread and journals no `read`', async () => {
    const path = `/api/pharmacies/${FINESS}/conversations`;
    const reads = async () =>
      (
        await store.db
          .selectFrom('mailbox_journal')
          .select('seq')
          .where('kind', '=', 'read')
          .where('ref', '=', conversationId)
          .execute()
      ).length;
    const before = await reads();
    const shown = await colleague.call('GET', `${path}/${conversationId}?markRead=false`);
    assert.equal(shown.status, 200, JSON.stringify(shown.json));
    assert.equal(shown.json.conversation.unread, true);
    const unread = await colleague.call('GET', `${path}?filter=unread`);
    assert.ok(unread.json.items.some((c: Json) => c.id === conversationId));
    assert.equal(await reads(), before);
    const invalid = await colleague.call('GET', `${path}/${conversationId}?markRead=peut-etre`);
    assert.equal(invalid.status, 400);
  });

  it('gives the patient app the attachment limits as configured', async () => {
    const limits = await patient.call('GET', '/api/patient/attachment-limits');
    assert.equal(limits.status, 200, JSON.stringify(limits.json));
    assert.equal(limits.json.maxFileBytes, 10 * 1024 * 1024);
    assert.equal(limits.json.maxMessageBytes, 25 * 1024 * 1024);
    assert.equal(limits.json.maxFiles, 5);
    assert.equal(limits.json.minFiles, 1);
    assert.equal(limits.json.textMax, 10_000);
    assert.deepEqual(
      limits.json.types.map((t: Json) => t.mediaType),
      ['image/jpeg', 'image/png', 'image/heic', 'image/heif', 'application/pdf'],
    );
    assert.deepEqual(limits.json.types[0], {
      mediaType: 'image/jpeg',
      kind: 'image',
      name: 'JPEG',
      extensions: ['jpg', 'jpeg'],
    });
    const anonymous = await new Client(base).call('GET', '/api/patient/attachment-limits');
    assert.equal(anonymous.status, 401);

    // An operator's overrides show up as they are.
    const configured = await startServer({
      store,
      dataDir: data.dir,
      env: { ATTACHMENT_MAX_FILE_MB: '3', ATTACHMENT_TYPES: 'image/jpeg,application/pdf' },
    });
    try {
      const there = await new Client(() => configured.base).login('patient', camille.matricule);
      const overridden = await there.call('GET', '/api/patient/attachment-limits');
      assert.equal(overridden.status, 200);
      assert.equal(overridden.json.maxFileBytes, 3 * 1024 * 1024);
      assert.deepEqual(
        overridden.json.types.map((t: Json) => t.mediaType),
        ['image/jpeg', 'application/pdf'],
      );
    } finally {
      await configured.close();
    }
  });

  it('the patient sees the status and the reply, then cannot write after the close', async () => {
    const opened = await patient.call('GET', `/api/patient/conversations/${conversationId}`);
    assert.equal(opened.status, 200);
    assert.deepEqual(opened.json.conversation.status, { code: 'ready' });
    assert.equal(opened.json.messages.length, 2);
    assert.equal(opened.json.messages[1].text, 'Votre commande est prête, à bientôt !');

    const reply = await patient.call('POST', `/api/patient/conversations/${conversationId}/messages`, {
      text: 'Merci, je passe demain.',
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.json));

    const file = await patient.call('GET', `/api/patient/attachments/${attachmentId}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');

    const closed = await pharmacist.call(
      'POST',
      `/api/pharmacies/${FINESS}/conversations/${conversationId}/close`,
      {
        text: 'Bonne journée.',
      },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.json));
    assert.equal(closed.json.open, false);

    const late = await patient.call('POST', `/api/patient/conversations/${conversationId}/messages`, {
      text: 'Encore une question',
    });
    assert.equal(late.status, 409);
    assert.equal(late.json.error.code, 'CONVERSATION_CLOSED');
    assert.ok(late.json.error.message.length > 0);
  });

  it("answers 404 NOT_FOUND to another tenant's ids on every route", async () => {
    const expect404 = async (client: Client, method: string, path: string, body?: unknown) => {
      const answer = await client.call(method, path, body);
      assert.equal(answer.status, 404, `${method} ${path}: ${answer.status}`);
      assert.equal(answer.json.error.code, 'NOT_FOUND', `${method} ${path}`);
    };
    await expect404(otherPatient, 'GET', `/api/patient/conversations/${conversationId}`);
    await expect404(otherPatient, 'POST', `/api/patient/conversations/${conversationId}/messages`, {
      text: 'x',
    });
    await expect404(otherPatient, 'GET', `/api/patient/attachments/${attachmentId}`);
    await expect404(otherPatient, 'GET', `/api/patient/attachments/${attachmentId}/thumbnail`);

    for (const finess of [otherPharmacy.finess, FINESS]) {
      const path = `/api/pharmacies/${finess}/conversations/${conversationId}`;
      await expect404(outsider, 'GET', path);
      await expect404(outsider, 'POST', `${path}/claim`);
      await expect404(outsider, 'POST', `${path}/hand-over`, { rpps: OUTSIDER });
      await expect404(outsider, 'POST', `${path}/status`, { status: 'collected' });
      await expect404(outsider, 'POST', `${path}/messages`, { text: 'x' });
      await expect404(outsider, 'POST', `${path}/close`);
      await expect404(outsider, 'GET', `${path}/prescriptions/${prescriptionNumber}`);
      await expect404(outsider, 'GET', `/api/pharmacies/${finess}/attachments/${attachmentId}`);
      await expect404(outsider, 'PUT', `/api/pharmacies/${finess}/templates/${templateId}`, {
        title: 'x',
        body: 'y',
      });
      await expect404(outsider, 'DELETE', `/api/pharmacies/${finess}/templates/${templateId}`);
    }
    const elsewhere = `/api/pharmacies/${otherPharmacy.finess}`;
    await expect404(both, 'GET', `${elsewhere}/conversations/${conversationId}`);
    await expect404(both, 'GET', `${elsewhere}/attachments/${attachmentId}`);
    await expect404(both, 'PUT', `${elsewhere}/templates/${templateId}`, { title: 'x', body: 'y' });
    assert.equal(
      (await both.call('GET', `/api/pharmacies/${FINESS}/conversations/${conversationId}`)).status,
      200,
    );
    await expect404(outsider, 'GET', `/api/pharmacies/${FINESS}/conversations`);
    await expect404(outsider, 'GET', `/api/pharmacies/${FINESS}/templates`);
    await expect404(outsider, 'POST', `/api/pharmacies/${FINESS}/templates`, { title: 'x', body: 'y' });
  });

  it('pharmacy software works its own pharmacy with a Bearer credential, and only it', async () => {
    const created = await pharmacist.call('POST', `/api/pharmacies/${FINESS}/credentials`, { name: 'LGO' });
    assert.equal(created.status, 201);
    const bearer = { authorization: `Bearer ${created.json.token}` };
    const asSoftware = (path: string) => fetch(`${server.base}${path}`, { headers: bearer });

    const listed = await asSoftware(`/api/pharmacies/${FINESS}/conversations?filter=closed&limit=5`);
    assert.equal(listed.status, 200);
    const page = (await listed.json()) as Json;
    assert.ok(page.items.some((c: Json) => c.id === conversationId && c.unread));
    const opened = await asSoftware(`/api/pharmacies/${FINESS}/conversations/${conversationId}`);
    assert.equal(opened.status, 200);
    assert.equal(((await opened.json()) as Json).conversation.unread, false);

    const elsewhere = await asSoftware(`/api/pharmacies/${otherPharmacy.finess}/conversations`);
    assert.equal(elsewhere.status, 404);
    const wrongPopulation = await pharmacist.call('GET', '/api/patient/conversations');
    assert.equal(wrongPopulation.status, 403);
    assert.equal(wrongPopulation.json.error.code, 'FORBIDDEN');
  });

  it('documents every messaging route in the OpenAPI document, and the audit chain verifies', async () => {
    const document = (await patient.call('GET', '/api/openapi.json')).json;
    const expected: [string, string][] = [
      ['get', '/api/patient/pharmacies'],
      ['get', '/api/patient/pharmacies/{finess}/eligibility'],
      ['get', '/api/patient/documents'],
      ['get', '/api/patient/conversations'],
      ['post', '/api/patient/conversations'],
      ['get', '/api/patient/conversations/{id}'],
      ['post', '/api/patient/conversations/{id}/messages'],
      ['get', '/api/patient/attachments/{attachmentId}'],
      ['get', '/api/patient/attachments/{attachmentId}/thumbnail'],
      ['get', '/api/patient/pharmacy-history'],
      ['get', '/api/pharmacies/{finess}/conversations'],
      ['get', '/api/pharmacies/{finess}/conversations/{id}'],
      ['post', '/api/pharmacies/{finess}/conversations/{id}/claim'],
      ['post', '/api/pharmacies/{finess}/conversations/{id}/hand-over'],
      ['post', '/api/pharmacies/{finess}/conversations/{id}/status'],
      ['post', '/api/pharmacies/{finess}/conversations/{id}/messages'],
      ['post', '/api/pharmacies/{finess}/conversations/{id}/close'],
      ['get', '/api/pharmacies/{finess}/conversations/{id}/prescriptions/{number}'],
      ['get', '/api/pharmacies/{finess}/attachments/{attachmentId}'],
      ['get', '/api/pharmacies/{finess}/templates'],
      ['post', '/api/pharmacies/{finess}/templates'],
      ['put', '/api/pharmacies/{finess}/templates/{templateId}'],
      ['delete', '/api/pharmacies/{finess}/templates/{templateId}'],
    ];
    for (const [method, path] of expected) assert.ok(document.paths[path]?.[method], `${method} ${path}`);
    // A body the route may go without is documented as optional; the others as required.
    const close = document.paths['/api/pharmacies/{finess}/conversations/{id}/close'].post;
    assert.equal(close.requestBody.required, false);
    assert.ok(close.requestBody.content['application/json'].schema.properties.text);
    const handOver = document.paths['/api/pharmacies/{finess}/conversations/{id}/hand-over'].post;
    assert.equal(handOver.requestBody.required, true);
    assert.equal(document.paths['/api/patient/conversations'].post.requestBody.required, true);
    const refusals = await store.db
      .selectFrom('audit_records')
      .select(['action', 'reason'])
      .where('result', '=', 'denied')
      .execute();
    assert.ok(
      refusals.some((r) => r.action === 'messaging.conversation.open' && r.reason === 'OTHER_TENANT'),
    );
    assert.ok(
      refusals.some((r) => r.action === 'messaging.attachment.download' && r.reason === 'OTHER_TENANT'),
    );
    assert.equal((await verifyAuditTrail(store, { chainKey: chainKeyOf(server.app.config) })).ok, true);
  });
});
