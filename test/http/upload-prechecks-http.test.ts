import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { makePdf } from '../../src/attachments/test-fixtures/pdfs.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { Browser } from '../auth/browser.ts';
import { login, me } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { blobFiles as blobsIn, tmpFiles as tmpIn } from '../helpers/data-files.ts';
import { BOUNDARY, field, file, multipartBody, type RawPart, rawPost } from '../helpers/raw-multipart.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * What a multipart send costs before it is accepted, over raw HTTP: the text fields are checked
 * (the pharmacy, eligibility, quotas, the Idempotency-Key) before any file byte is processed; a
 * body cut short, or a client gone halfway, leaves no temp file, no blob and no conversation; a
 * part the parser cannot read is refused, never dropped. Refused sends count against a quota.
 */
const camille = DEMO_ACCOUNTS.patients[0];
if (!camille) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field by the assertions
type Json = Record<string, any>;

describe('multipart sends: checked before the files, nothing kept when cut short', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  /** The server's log lines (JSON), to wait on what it did after a client went away. */
  const log = new PassThrough();
  const lines: Json[] = [];
  const patient = new Browser();
  let headers: Record<string, string> = {};
  let conversationId = '';

  const blobFiles = () => blobsIn(data.dir);
  const tmpFiles = () => tmpIn(data.dir);
  const conversations = async () =>
    Number(
      (
        await store.db
          .selectFrom('conversations')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  const quotaRows = () =>
    store.db
      .selectFrom('messaging_quotas')
      .select(['kind', 'hits'])
      .where('subject', '=', camille.matricule)
      .orderBy('kind')
      .execute();
  const post = (url: string, parts: RawPart[], extra: Record<string, string> = {}) =>
    rawPost({ base: server.base, path: url, headers: { ...headers, ...extra }, body: multipartBody(parts) });
  const json = (response: Awaited<ReturnType<typeof rawPost>>) => {
    assert.ok(response, 'the server answered');
    return { status: response.status, body: JSON.parse(response.body) as Json };
  };
  const startFields = () => [
    field('finess', FINESS),
    field('subject', 'Ordonnance'),
    field('text', 'Bonjour'),
  ];

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    log.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    });
    server = await startServer({ store, dataDir: data.dir, log, logLevel: 'info' });
    await login(patient, server.base, 'patient', { account: camille.matricule });
    const csrf = String((await me(patient, server.base)).body.csrfToken);
    headers = {
      origin: server.base,
      'x-csrf-token': csrf,
      cookie: patient.cookieHeader(new URL(server.base)),
    };
    const opened = json(
      await post('/api/patient/conversations', [...startFields(), file('files', 'a.pdf', await makePdf())]),
    );
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    conversationId = opened.body.conversation.id;
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('refuses a send without its fields before reading its files: no blob, no temp file', async () => {
    const blobs = blobFiles();
    const pdf = await makePdf({ pages: 2 });
    for (let i = 0; i < 3; i++) {
      const files = Array.from({ length: 5 }, (_, n) => file('files', `${i}-${n}.pdf`, pdf));
      const refused = json(await post('/api/patient/conversations', [field('text', 'Bonjour'), ...files]));
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'VALIDATION_ERROR');
      assert.deepEqual(refused.body.error.details.fields.sort(), ['body.finess', 'body.subject']);
    }
    assert.deepEqual(blobFiles(), blobs);
    assert.deepEqual(tmpFiles(), []);
  });

  it('refuses a reply reusing a spent Idempotency-Key with other files, before processing them', async () => {
    const url = `/api/patient/conversations/${conversationId}/messages`;
    const key = { 'idempotency-key': 'reply-key-0001' };
    const first = json(
      await post(url, [field('text', 'Voici'), file('files', 'a.pdf', await makePdf())], key),
    );
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const blobs = blobFiles();
    const other = await makePdf({ pages: 3 });
    const reused = json(await post(url, [field('text', 'Voici'), file('files', 'b.pdf', other)], key));
    assert.equal(reused.status, 422, JSON.stringify(reused.body));
    assert.equal(reused.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    const otherText = json(await post(url, [field('text', 'Autre'), file('files', 'b.pdf', other)], key));
    assert.equal(otherText.body.error.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.deepEqual(blobFiles(), blobs);
    assert.deepEqual(tmpFiles(), []);
  });

  it('refuses text fields sent after a file, with a stable code', async () => {
    const blobs = blobFiles();
    const before = await conversations();
    const pdf = await makePdf({ pages: 4 });
    const late = json(
      await post('/api/patient/conversations', [
        ...startFields(),
        file('files', 'a.pdf', pdf),
        field('documentIds', '0195f3a2-0000-7000-8000-000000000000'),
      ]),
    );
    assert.equal(late.status, 400, JSON.stringify(late.body));
    assert.equal(late.body.error.code, 'MULTIPART_FIELDS_FIRST');
    assert.match(late.body.error.message, /avant les fichiers/);
    // A field the send needs, found missing at the first file.
    const missing = json(
      await post('/api/patient/conversations', [
        field('finess', FINESS),
        field('subject', 'Ordonnance'),
        file('files', 'a.pdf', pdf),
        field('text', 'Bonjour'),
      ]),
    );
    assert.equal(missing.status, 400, JSON.stringify(missing.body));
    assert.equal(missing.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(missing.body.error.details.fields, ['body.text']);
    assert.match(missing.body.error.message, /précéder les fichiers/);
    assert.deepEqual(blobFiles(), blobs);
    assert.deepEqual(tmpFiles(), []);
    assert.equal(await conversations(), before);
  });

  it('answers a body that ends without its closing boundary, and keeps nothing', {
    timeout: 120_000,
  }, async () => {
    const blobs = blobFiles();
    const before = await conversations();
    const whole = multipartBody([...startFields(), file('files', 'a.pdf', await makePdf({ pages: 5 }))]);
    const cut = whole.subarray(0, whole.length - 200);
    const response = json(
      await rawPost({ base: server.base, path: '/api/patient/conversations', headers, body: cut }),
    );
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body.error.code, 'UPLOAD_INCOMPLETE');
    assert.deepEqual(blobFiles(), blobs);
    assert.deepEqual(tmpFiles(), []);
    assert.equal(await conversations(), before);
  });

  // A client gone before its body is complete must leave nothing: no conversation even when it
  // went away right after a whole file (the parser takes that for the end of the form).
  it('keeps nothing of a send whose client went away before the end of its body ("Annuler")', {
    timeout: 120_000,
  }, async () => {
    const blobs = blobFiles();
    const before = await conversations();
    const first = file('files', 'a.pdf', await makePdf({ pages: 6 }));
    const whole = multipartBody([
      ...startFields(),
      first,
      file('files', 'b.pdf', await makePdf({ pages: 7 })),
    ]);
    // Up to the end of the first file, without the delimiter that follows it.
    const upToFirst = multipartBody([...startFields(), first]).length - `--${BOUNDARY}--\r\n`.length - 2;
    for (const cut of [upToFirst, Math.floor(whole.length / 2)]) {
      const seen = lines.length;
      const gone = await rawPost({
        base: server.base,
        path: '/api/patient/conversations',
        headers,
        body: whole.subarray(0, cut),
        contentLength: whole.length,
        afterwards: 'destroy',
      });
      assert.equal(gone, null);
      while (!lines.slice(seen).some((l) => l.code === 'UPLOAD_INCOMPLETE')) await once(log, 'data');
      assert.deepEqual(tmpFiles(), []);
      assert.deepEqual(blobFiles(), blobs);
      assert.equal(await conversations(), before);
    }
  });

  it('refuses a file whose name holds a line break instead of dropping it', async () => {
    const url = `/api/patient/conversations/${conversationId}/messages`;
    const blobs = blobFiles();
    const part: RawPart = {
      disposition: `form-data; name="files"; filename*=utf-8''ordo%0D%0Anance.pdf`,
      contentType: 'application/pdf',
      body: await makePdf({ pages: 7 }),
    };
    const refused = json(await post(url, [field('text', 'Ci-joint'), part]));
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'MULTIPART_PART_UNREADABLE');
    assert.match(refused.body.error.message, /retour à la ligne/);
    assert.deepEqual(blobFiles(), blobs);
    assert.deepEqual(tmpFiles(), []);
  });

  it('refuses a field it does not know instead of ignoring it', async () => {
    const url = `/api/patient/conversations/${conversationId}/messages`;
    const refused = json(
      await post(url, [
        field('text', 'Ci-joint'),
        field('fichiers', 'x'),
        file('files', 'a.pdf', await makePdf()),
      ]),
    );
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(refused.body.error.details.fields, ['body.fichiers']);
  });

  it("refuses a form over the parser's limits instead of cutting it short", async () => {
    const url = `/api/patient/conversations/${conversationId}/messages`;
    const many = Array.from({ length: 41 }, () =>
      field('documentIds', '0195f3a2-0000-7000-8000-000000000000'),
    );
    const refused = json(await post(url, [field('text', 'Ci-joint'), ...many]));
    assert.equal(refused.status, 413, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'MULTIPART_TOO_MANY_PARTS');
  });

  it('counts refused sends against a quota, in the database', async () => {
    const hits = async () =>
      Number((await quotaRows()).find((r) => r.kind === 'refused-sends-hour')?.hits ?? 0);
    const before = await hits();
    const refused = json(
      await post('/api/patient/conversations', [
        field('text', 'x'),
        file('files', 'a.pdf', Buffer.from('%PDF')),
      ]),
    );
    assert.equal(refused.body.error.code, 'VALIDATION_ERROR');
    const counted = await hits();
    assert.equal(counted, before + 1);
    const strict = await startServer({
      store,
      dataDir: data.dir,
      env: { QUOTA_REFUSED_SENDS_PER_HOUR: String(counted) },
    });
    try {
      const blobs = blobFiles();
      const response = json(
        await rawPost({
          base: strict.base,
          path: `/api/patient/conversations/${conversationId}/messages`,
          headers: { ...headers, origin: strict.base },
          body: multipartBody([field('text', 'Encore'), file('files', 'a.pdf', await makePdf({ pages: 8 }))]),
        }),
      );
      assert.equal(response.status, 429, JSON.stringify(response.body));
      assert.equal(response.body.error.code, 'QUOTA_EXCEEDED');
      assert.equal(response.body.error.details.quota, 'refused-sends-hour');
      assert.ok(response.body.error.details.retryAfterSeconds > 0);
      assert.deepEqual(blobFiles(), blobs);
    } finally {
      await strict.close();
    }
  });
});
