import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { phoneJpeg } from '../../src/attachments/test-fixtures/images.ts';
import { encryptedPdf, makePdf } from '../../src/attachments/test-fixtures/pdfs.ts';
import { chainKeyOf } from '../../src/audit/chain-key.ts';
import { verifyAuditTrail } from '../../src/audit/verify.ts';
import { runBlobsSweep } from '../../src/cli/blobs.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { Browser } from '../auth/browser.ts';
import { login, me } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { blobFiles as blobsIn } from '../helpers/data-files.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * Attachments uploaded as multipart/form-data, through the HTTP API only: a phone photo loses its
 * GPS metadata, a hostile file name is sanitised, refused files answer their own codes, a retried
 * upload with the same Idempotency-Key creates nothing new.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const claire = DEMO_ACCOUNTS.professionals[0];
if (!camille || !claire) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;

/** Answers as the test reads them: the API's schemas are checked by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field by the assertions
type Json = Record<string, any>;
type Upload = { name: string; bytes: Buffer };

describe('multipart uploads over HTTP', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  const patient = new Browser();
  const pharmacist = new Browser();
  let csrf = '';
  let pharmacistCsrf = '';
  let conversationId = '';
  /** The blob files under DATA_DIR/blobs (temp files and folders aside). */
  const blobFiles = () => blobsIn(data.dir);

  const send = async (
    path: string,
    fields: Record<string, string | string[]>,
    files: Upload[],
    key?: string,
    as: 'patient' | 'pharmacist' = 'patient',
  ) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
    }
    for (const file of files) form.append('files', new Blob([file.bytes]), file.name);
    const browser = as === 'patient' ? patient : pharmacist;
    const token = as === 'patient' ? csrf : pharmacistCsrf;
    const response = await browser.fetch(`${server.base}${path}`, {
      method: 'POST',
      headers: { origin: server.base, 'x-csrf-token': token, ...(key ? { 'idempotency-key': key } : {}) },
      body: form,
    });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const start = (files: Upload[], extra: Record<string, string | string[]> = {}, key?: string) =>
    send(
      '/api/patient/conversations',
      { finess: FINESS, subject: 'Photo', text: 'Bonjour', ...extra },
      files,
      key,
    );

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir });
    await login(patient, server.base, 'patient', { account: camille.matricule });
    csrf = String((await me(patient, server.base)).body.csrfToken);
    await login(pharmacist, server.base, 'pro', { account: claire.rpps });
    pharmacistCsrf = String((await me(pharmacist, server.base)).body.csrfToken);
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('stores a phone photo without its metadata, with a sanitised name, next to a record document', async () => {
    const documents = (await (await patient.fetch(`${server.base}/api/patient/documents`)).json()) as Json;
    const prescription = documents.documents.find((d: Json) => d.kind === 'eprescription');
    const photo = { name: '../../x.jpg', bytes: await phoneJpeg() };
    const sent = await start([photo], { documentIds: prescription.id }, 'upload-0001');
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const [image, pdf] = sent.json.message.attachments as Json[];
    assert.equal(image?.mediaType, 'image/jpeg');
    assert.doesNotMatch(image?.fileName, /[/\\]|\.\./);
    assert.deepEqual(pdf?.prescriptionNumbers, [prescription.prescriptionNumber]);
    conversationId = sent.json.conversation.id;

    const retried = await start([photo], { documentIds: prescription.id }, 'upload-0001');
    assert.equal(retried.status, 201);
    assert.deepEqual(retried.json, sent.json);

    const file = await pharmacist.fetch(`${server.base}/api/pharmacies/${FINESS}/attachments/${image?.id}`);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment;/);
    assert.doesNotMatch(file.headers.get('content-disposition') ?? '', /\.\.\//);
    const stored = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    assert.equal(stored.exif, undefined, 'no EXIF (GPS, device) in the stored copy');
    assert.deepEqual([stored.width, stored.height], [40, 60], 'auto-oriented');
  });

  it('the patient and the pharmacy reply with files', async () => {
    const pdf = { name: 'resultats.pdf', bytes: await makePdf() };
    const mine = await send(`/api/patient/conversations/${conversationId}/messages`, { text: 'Et ceci' }, [
      pdf,
    ]);
    assert.equal(mine.status, 201, JSON.stringify(mine.json));
    assert.equal(mine.json.message.attachments.length, 1);
    const theirs = await send(
      `/api/pharmacies/${FINESS}/conversations/${conversationId}/messages`,
      { text: 'Voici la notice' },
      [{ name: 'notice.pdf', bytes: await makePdf() }],
      'team-upload-1',
      'pharmacist',
    );
    assert.equal(theirs.status, 201, JSON.stringify(theirs.json));
    assert.equal(theirs.json.message.attachments[0].fileName, 'notice.pdf');
  });

  it('answers the pipeline codes for refused files, and creates nothing', async () => {
    const before = (await (await patient.fetch(`${server.base}/api/patient/conversations`)).json()) as Json;
    const encrypted = await start([{ name: 'a.pdf', bytes: encryptedPdf({ userPassword: true }) }]);
    assert.equal(encrypted.status, 422);
    assert.equal(encrypted.json.error.code, 'ATTACHMENT_PDF_ENCRYPTED');
    const text = await start([{ name: 'a.pdf', bytes: Buffer.from('#!/bin/sh\necho hello\n') }]);
    assert.equal(text.status, 415);
    assert.equal(text.json.error.code, 'ATTACHMENT_TYPE_REFUSED');
    const pdf = await makePdf();
    const six = await start(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.pdf`, bytes: pdf })));
    assert.equal(six.status, 422);
    assert.equal(six.json.error.code, 'ATTACHMENT_COUNT');
    const none = await start([]);
    assert.equal(none.status, 422);
    assert.equal(none.json.error.code, 'ATTACHMENT_COUNT');
    const after = (await (await patient.fetch(`${server.base}/api/patient/conversations`)).json()) as Json;
    assert.equal(after.items.length, before.items.length);
  });

  it('reads no file from an anonymous caller', async () => {
    const form = new FormData();
    form.append('finess', FINESS);
    form.append('files', new Blob([await makePdf()]), 'a.pdf');
    const blobs = path.join(data.dir, 'blobs');
    const count = () => (fs.existsSync(blobs) ? fs.readdirSync(blobs, { recursive: true }).length : 0);
    const before = count();
    for (const url of [
      '/api/patient/conversations',
      `/api/pharmacies/${FINESS}/conversations/${conversationId}/messages`,
    ]) {
      const response = await fetch(`${server.base}${url}`, { method: 'POST', body: form });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as Json).error.code, 'AUTH_REQUIRED');
    }
    assert.equal(count(), before);
  });

  it('refuses before reading the files, and writes no blob: not eligible, over quota, closed', async () => {
    const before = blobFiles();
    const history = await server.app.eligibility.history(camille.matricule);
    const refusedPharmacy = history.find((h) => !h.verdict.eligible);
    assert.ok(refusedPharmacy, 'the demo patient has a pharmacy she may not write to');
    const pdf = () => makePdf({ pages: 2 });

    const notEligible = await start([{ name: 'a.pdf', bytes: await pdf() }], {
      finess: refusedPharmacy.finess,
    });
    assert.equal(notEligible.status, 403, JSON.stringify(notEligible.json));
    assert.equal(notEligible.json.error.code, 'PHARMACY_NOT_ELIGIBLE');
    assert.deepEqual(blobFiles(), before);

    const opened = await start([{ name: 'a.pdf', bytes: await makePdf() }]);
    assert.equal(opened.status, 201, JSON.stringify(opened.json));
    const id = opened.json.conversation.id;
    const withFile = blobFiles();
    // The optional body of the close: none at all.
    const closed = await pharmacist.fetch(
      `${server.base}/api/pharmacies/${FINESS}/conversations/${id}/close`,
      {
        method: 'POST',
        headers: { origin: server.base, 'x-csrf-token': pharmacistCsrf },
      },
    );
    assert.equal(closed.status, 200);
    const late = await send(`/api/patient/conversations/${id}/messages`, { text: 'Encore' }, [
      { name: 'b.pdf', bytes: await pdf() },
    ]);
    assert.equal(late.status, 409, JSON.stringify(late.json));
    assert.equal(late.json.error.code, 'CONVERSATION_CLOSED');
    const teamLate = await send(
      `/api/pharmacies/${FINESS}/conversations/${id}/messages`,
      { text: 'Oubli' },
      [{ name: 'c.pdf', bytes: await pdf() }],
      undefined,
      'pharmacist',
    );
    assert.equal(teamLate.status, 409, JSON.stringify(teamLate.json));
    assert.equal(teamLate.json.error.code, 'CONVERSATION_CLOSED');
    assert.deepEqual(blobFiles(), withFile);

    // Camille has started conversations today: one a day is over the quota.
    const quota = await startServer({ store, dataDir: data.dir, env: { QUOTA_CONVERSATIONS_PER_DAY: '1' } });
    try {
      const browser = new Browser();
      await login(browser, quota.base, 'patient', { account: camille.matricule });
      const token = String((await me(browser, quota.base)).body.csrfToken);
      const form = new FormData();
      for (const [name, value] of Object.entries({ finess: FINESS, subject: 'Encore', text: 'x' }))
        form.append(name, value);
      form.append('files', new Blob([await pdf()]), 'd.pdf');
      const response = await browser.fetch(`${quota.base}/api/patient/conversations`, {
        method: 'POST',
        headers: { origin: quota.base, 'x-csrf-token': token },
        body: form,
      });
      assert.equal(response.status, 429);
      assert.equal(((await response.json()) as Json).error.code, 'QUOTA_EXCEEDED');
    } finally {
      await quota.close();
    }
    assert.deepEqual(blobFiles(), withFile);

    const refusals = await store.db
      .selectFrom('audit_records')
      .select(['action', 'reason'])
      .where('result', '=', 'denied')
      .where('reason', 'in', ['PHARMACY_NOT_ELIGIBLE', 'CONVERSATION_CLOSED', 'QUOTA_EXCEEDED'])
      .execute();
    assert.deepEqual(
      refusals.map((r) => `${r.action}:${r.reason}`).sort(),
      [
        'messaging.conversation.start:PHARMACY_NOT_ELIGIBLE',
        'messaging.conversation.start:QUOTA_EXCEEDED',
        'messaging.message.reply:CONVERSATION_CLOSED',
        'messaging.message.reply:CONVERSATION_CLOSED',
      ],
      'each refusal audited once',
    );
  });

  it('a send refused after its files were processed leaves blobs that `blobs sweep` removes', async () => {
    const good = { name: 'bon.pdf', bytes: await makePdf({ pages: 3 }) };
    const refused = await start([good, { name: 'a.pdf', bytes: encryptedPdf({ userPassword: true }) }]);
    assert.equal(refused.status, 422);
    const referenced = async () => {
      const rows = await store.db
        .selectFrom('message_attachments')
        .select(['blob_sha256', 'thumbnail_sha256'])
        .execute();
      return [...new Set(rows.flatMap((r) => [r.blob_sha256, r.thumbnail_sha256 ?? []].flat()))].sort();
    };
    const names = () => blobFiles().map((f) => path.basename(f));
    assert.ok(names().length > (await referenced()).length, 'the refused send left blobs behind');

    const lines: string[] = [];
    const output = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    // Run now, the sweep keeps them: they are recent, an upload may be about to reference them.
    const now = { config: server.app.config, store, clock: { now: () => new Date() } };
    assert.equal(await runBlobsSweep(now, { olderThanHours: 1 }, output), 0);
    assert.ok(names().length > (await referenced()).length);
    // Two hours later: only the blobs attachments reference remain.
    const later = { ...now, clock: { now: () => new Date(Date.now() + 2 * 3_600_000) } };
    assert.equal(await runBlobsSweep(later, { olderThanHours: 1 }, output), 0);
    assert.deepEqual(names().sort(), await referenced());
    assert.match(lines.at(-1) ?? '', /^Fichiers sans pièce jointe supprimés : [1-9]/);
    const conversations = (await (
      await patient.fetch(`${server.base}/api/patient/conversations`)
    ).json()) as Json;
    const first = await patient.fetch(
      `${server.base}/api/patient/conversations/${conversations.items[0].id}`,
    );
    const attachment = ((await first.json()) as Json).messages[0].attachments[0];
    const file = await patient.fetch(`${server.base}/api/patient/attachments/${attachment.id}`);
    assert.equal(file.status, 200, 'attachments still download');
  });

  it('stops an upload over the file limit while it streams, and leaves no temp file', async () => {
    const small = await startServer({ store, dataDir: data.dir, env: { ATTACHMENT_MAX_FILE_MB: '1' } });
    try {
      const form = new FormData();
      for (const [name, value] of Object.entries({ finess: FINESS, subject: 'Gros', text: 'x' }))
        form.append(name, value);
      form.append('files', new Blob([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1024 * 1024 + 10)]), 'gros.pdf');
      const browser = new Browser();
      await login(browser, small.base, 'patient', { account: camille.matricule });
      const token = String((await me(browser, small.base)).body.csrfToken);
      const response = await browser.fetch(`${small.base}/api/patient/conversations`, {
        method: 'POST',
        headers: { origin: small.base, 'x-csrf-token': token },
        body: form,
      });
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as Json).error.code, 'ATTACHMENT_TOO_LARGE');
      const tmp = path.join(data.dir, 'tmp');
      assert.deepEqual(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], []);
    } finally {
      await small.close();
    }
  });

  it('documents the multipart form in the OpenAPI document; the audit chain verifies', async () => {
    const document = (await (await fetch(`${server.base}/api/openapi.json`)).json()) as Json;
    const form = document.paths['/api/patient/conversations'].post.requestBody.content['multipart/form-data'];
    assert.equal(form.schema.properties.files.items.format, 'binary');
    assert.ok(
      document.paths['/api/patient/conversations/{id}/messages'].post.requestBody.content[
        'multipart/form-data'
      ],
    );
    assert.equal((await verifyAuditTrail(store, { chainKey: chainKeyOf(server.app.config) })).ok, true);
  });
});
