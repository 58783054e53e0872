import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import {
  alice,
  camille,
  carol,
  david,
  EXPIRED,
  HIDDEN,
  MARKET,
  type MessagingFixture,
  openMessagingFixture,
  photo,
  STATION,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { createFileBlobStore } from '../attachments/blob-store.ts';
import { sweepBlobs } from '../attachments/blob-sweep.ts';
import { DEFAULT_LIMITS } from '../attachments/limits.ts';
import { messageUploads } from '../attachments/message-uploads.ts';
import { makePdf } from '../attachments/test-fixtures/pdfs.ts';
import { createAttachmentWorkers } from '../attachments/worker-pool.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { referencedBlobs } from './blob-references.ts';
import { createMessagingService } from './service.ts';

/**
 * The precheck of a send (what needs no file, before the files are processed) refuses what the
 * send would refuse, audited as the send's refusal, and counts nothing; the blobs of a send refused
 * after its files were processed are removed by the sweep, never a blob another message holds.
 */
let f: MessagingFixture;
before(async () => {
  f = await openMessagingFixture(await openTestStore());
});
after(() => f.dispose());

const auditCount = () => f.rowCount('audit_records');
const lastAudit = () =>
  f.store.db
    .selectFrom('audit_records')
    .select(['action', 'result', 'reason', 'target'])
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
const quotaRows = () =>
  f.store.db.selectFrom('messaging_quotas').selectAll().orderBy('subject').orderBy('kind').execute();
const start = async (who = camille, finess = MARKET) =>
  (
    await f.service.patient.startConversation(who, {
      finess,
      subject: 'Ordonnance',
      text: 'Bonjour',
      attachments: [photo()],
    })
  ).conversation.id;

/** A start as the precheck sees it at the first file: its fields, no file received yet. */
const startOf = (finess: string) => ({ finess, subject: 'Ordonnance', text: 'Bonjour', files: null });
const REPLY = { text: 'Merci', files: null };

describe('the precheck of a send', () => {
  it('refuses a pharmacy the patient may not write to, as the send would, audited once', async () => {
    for (const finess of [EXPIRED, HIDDEN]) {
      const sent = await f.service.patient
        .startConversation(camille, { finess, subject: 'S', text: 'T', attachments: [photo()] })
        .catch((e) => e);
      const records = await auditCount();
      const checked = await f.service.patient.precheckStart(camille, startOf(finess)).catch((e) => e);
      assert.equal(checked.code, 'PHARMACY_NOT_ELIGIBLE');
      assert.deepEqual(checked.details, sent.details);
      assert.equal(await auditCount(), records + 1);
      assert.deepEqual(await lastAudit(), {
        action: 'messaging.conversation.start',
        result: 'denied',
        reason: 'PHARMACY_NOT_ELIGIBLE',
        target: finess,
      });
    }
  });

  it('lets an allowed send through and records nothing: the send records its own outcome', async () => {
    const records = await auditCount();
    await f.service.patient.precheckStart(camille, startOf(MARKET));
    const id = await start();
    const after = await auditCount();
    await f.service.patient.precheckReply(camille, id, REPLY);
    await f.service.team.precheckReply(alice, id, REPLY);
    assert.equal(await auditCount(), after);
    assert.equal(after, records + 1);
  });

  it('refuses over a quota without counting anything', async () => {
    const service = f.withQuotas({ messagesPerMinute: 100, messagesPerDay: 100, conversationsPerDay: 1 });
    await f.store.db.deleteFrom('messaging_quotas').execute();
    f.clock.set('2026-03-15T13:00:00.000Z');
    await service.patient.startConversation(david, {
      finess: STATION,
      subject: 'S',
      text: 'T',
      attachments: [photo()],
    });
    const counted = await quotaRows();
    f.clock.advance(3_600_000);
    const refused = await service.patient.precheckStart(david, startOf(STATION)).catch((e) => e);
    assert.equal(refused.code, 'QUOTA_EXCEEDED');
    assert.equal(refused.details.quota, 'conversations-day');
    assert.equal(refused.details.retryAfterSeconds, 23 * 3600);
    assert.deepEqual(await quotaRows(), counted, 'a precheck counts nothing');
    // The send would say the same.
    await assert.rejects(
      service.patient.startConversation(david, {
        finess: STATION,
        subject: 'S',
        text: 'T',
        attachments: [photo()],
      }),
      { code: 'QUOTA_EXCEEDED' },
    );
    // A window that has passed is open again.
    f.clock.advance(24 * 3_600_000);
    await service.patient.precheckStart(david, startOf(STATION));

    const replies = f.withQuotas({ messagesPerMinute: 1, messagesPerDay: 100, conversationsPerDay: 100 });
    const id = await start(david, STATION);
    await assert.rejects(replies.patient.precheckReply(david, id, REPLY), {
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'messages-minute', limit: 1, retryAfterSeconds: 60 },
    });
  });

  it('refuses a reply to a closed conversation, an unknown one or another tenant’s, as the reply would', async () => {
    const id = await start();
    await f.service.team.close(alice, id);
    await assert.rejects(f.service.patient.precheckReply(camille, id, REPLY), {
      code: 'CONVERSATION_CLOSED',
    });
    assert.deepEqual(await lastAudit(), {
      action: 'messaging.message.reply',
      result: 'denied',
      reason: 'CONVERSATION_CLOSED',
      target: id,
    });
    await assert.rejects(f.service.team.precheckReply(alice, id, REPLY), { code: 'CONVERSATION_CLOSED' });
    const open = await start();
    await assert.rejects(f.service.patient.precheckReply(david, open, REPLY), { code: 'NOT_FOUND' });
    assert.equal((await lastAudit()).reason, 'OTHER_TENANT');
    await assert.rejects(f.service.team.precheckReply(carol, open, REPLY), { code: 'NOT_FOUND' });
    await assert.rejects(f.service.patient.precheckReply(camille, 'not-an-id', REPLY), { code: 'NOT_FOUND' });
    await assert.rejects(f.service.team.precheckReply(alice, '0195f3a2-0000-7000-8000-000000000000', REPLY), {
      code: 'NOT_FOUND',
    });
  });

  it('lets a retry through whatever changed since: the send replays the first result', async () => {
    const id = await start();
    const first = await f.service.patient.reply(
      camille,
      id,
      { text: 'Merci' },
      { idempotencyKey: 'retry-1' },
    );
    await f.service.team.close(alice, id);
    await f.service.patient.precheckReply(
      camille,
      id,
      { text: 'Merci', files: [] },
      { idempotencyKey: 'retry-1' },
    );
    const again = await f.service.patient.reply(
      camille,
      id,
      { text: 'Merci' },
      { idempotencyKey: 'retry-1' },
    );
    assert.deepEqual(again, first);
    await assert.rejects(f.service.patient.precheckReply(camille, id, REPLY, { idempotencyKey: 'retry-2' }), {
      code: 'CONVERSATION_CLOSED',
    });
  });
});

describe('the precheck checks every field that needs no file, as the send would', () => {
  it('refuses the subject, the text, the pharmacy and the count the send would refuse', async () => {
    const refused = async (input: Parameters<typeof f.service.patient.precheckStart>[1]) =>
      (await f.service.patient.precheckStart(camille, input).catch((e) => e)).code;
    assert.equal(await refused({ ...startOf(MARKET), subject: '' }), 'INVALID_SUBJECT');
    assert.equal(await refused({ ...startOf(MARKET), subject: 'a\nb' }), 'INVALID_SUBJECT');
    assert.equal(await refused({ ...startOf(MARKET), text: 'x'.repeat(10_001) }), 'INVALID_TEXT');
    assert.equal(await refused(startOf('123')), 'INVALID_FINESS');
    const documentIds = Array.from({ length: 5 }, () => '0195f3a2-0000-7000-8000-000000000000');
    // Five documents and at least one file coming: one too many, before any file is read.
    assert.equal(await refused({ ...startOf(MARKET), documentIds }), 'ATTACHMENT_COUNT');
    // Once the files are in: none at all is too few.
    assert.equal(await refused({ ...startOf(MARKET), files: [] }), 'ATTACHMENT_COUNT');
    const id = await start();
    await assert.rejects(f.service.patient.precheckReply(camille, id, { text: '', files: [] }), {
      code: 'INVALID_TEXT',
    });
    await assert.rejects(f.service.team.precheckReply(alice, id, { templateId: 'nope', files: null }), {
      code: 'NOT_FOUND',
    });
  });

  it('refuses a key used for another request once the files are received, before processing them', async () => {
    const id = await start();
    const sent = photo();
    await f.service.patient.reply(
      camille,
      id,
      { text: 'Voici', attachments: [sent] },
      { idempotencyKey: 'k-1' },
    );
    const key = { idempotencyKey: 'k-1' };
    const check = (input: Parameters<typeof f.service.patient.precheckReply>[2]) =>
      f.service.patient.precheckReply(camille, id, input, key);
    // The same request: a retry, left to the send (which replays the first result).
    await check({ text: 'Voici', files: [sent.sourceSha256] });
    // Before the files, only the operation can be compared.
    await check({ text: 'Autre', files: null });
    await assert.rejects(check({ text: 'Voici', files: [photo().sourceSha256] }), {
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await assert.rejects(check({ text: 'Autre', files: [sent.sourceSha256] }), {
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await assert.rejects(f.service.patient.precheckStart(camille, startOf(MARKET), key), {
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('counts refused sends per person, and refuses over the quota before anything else', async () => {
    const service = f.withQuotas({ refusedSendsPerHour: 2 });
    f.clock.set('2026-03-15T15:00:00.000Z');
    const error = await service.patient.precheckStart(david, startOf(EXPIRED)).catch((e) => e);
    await service.patient.countRefusedSend(david, error);
    await service.patient.countRefusedSend(david, error);
    const over = await service.patient.precheckStart(david, startOf(STATION)).catch((e) => e);
    assert.equal(over.code, 'QUOTA_EXCEEDED');
    assert.deepEqual(over.details, { quota: 'refused-sends-hour', limit: 2, retryAfterSeconds: 3600 });
    // That refusal is not counted again; other people are not concerned.
    await service.patient.countRefusedSend(david, over);
    const row = await f.store.db
      .selectFrom('messaging_quotas')
      .select('hits')
      .where('subject', '=', david.matricule)
      .where('kind', '=', 'refused-sends-hour')
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.hits), 2);
    await service.patient.precheckStart(camille, startOf(MARKET));
    const id = await start();
    await service.team.countRefusedSend(alice, error);
    await service.team.countRefusedSend(alice, error);
    await assert.rejects(service.team.precheckReply(alice, id, REPLY), {
      code: 'QUOTA_EXCEEDED',
      details: { quota: 'refused-sends-hour', limit: 2, retryAfterSeconds: 3600 },
    });
    f.clock.advance(3_600_000);
    await service.patient.precheckStart(david, startOf(STATION));
  });
});

describe('blobs of a send refused after its files were processed', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-refused-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const blobs = createFileBlobStore({ root: path.join(root, 'blobs'), key: Buffer.alloc(32, 5) });
  const workers = createAttachmentWorkers({ threads: 1 });
  after(() => workers.close());
  const files = () =>
    fs.existsSync(path.join(root, 'blobs'))
      ? fs
          .readdirSync(path.join(root, 'blobs'), { recursive: true, encoding: 'utf8' })
          .filter((name) => /[0-9a-f]{64}$/.test(name))
          .sort()
      : [];
  const upload = async (bytes: Buffer): Promise<ProcessedAttachment> => {
    const uploads = messageUploads({
      blobs,
      limits: DEFAULT_LIMITS,
      workers,
      tmpDir: path.join(root, 'tmp'),
    });
    await uploads.receive(Readable.from([bytes]), 'document.pdf');
    const [processed] = await uploads.process();
    assert.ok(processed);
    return processed;
  };

  it('are removed by the sweep, but not the blob another message holds', async () => {
    const service = createMessagingService({
      ...f.deps,
      blobs,
      quotas: { ...f.deps.quotas, messagesPerMinute: 100, messagesPerDay: 100, conversationsPerDay: 1 },
    });
    await f.store.db.deleteFrom('messaging_quotas').execute();
    const shared = await makePdf({ pages: 1 });
    const accepted = await service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'S',
      text: 'T',
      attachments: [await upload(shared)],
    });
    const kept = files();
    assert.ok(kept.length >= 1);

    // The precheck passed, the files were processed; then another send used the last conversation
    // of the day (a race, or any refusal that comes after the files).
    const processed = [await upload(shared), await upload(await makePdf({ pages: 2 }))];
    assert.ok(files().length > kept.length);
    await assert.rejects(
      service.patient.startConversation(camille, {
        finess: STATION,
        subject: 'S',
        text: 'T',
        attachments: processed,
      }),
      { code: 'QUOTA_EXCEEDED' },
    );

    const report = await sweepBlobs({
      root: path.join(root, 'blobs'),
      referenced: (sha256s) => referencedBlobs(f.store.db, sha256s),
      // As if hours had passed since.
      before: new Date(Date.now() + 1_000),
    });
    assert.ok(report.removed >= 1);
    assert.deepEqual(files(), kept, 'the blob folder is as it was before the refused send');
    const attachment = accepted.message.attachments[0];
    assert.ok(attachment);
    const download = await service.patient.attachment(camille, attachment.id);
    assert.deepEqual(await blobs.get(download.blob.sha256), shared);
    assert.equal((await verifyAuditTrail(f.store, { chainKey: TEST_CHAIN_KEY })).ok, true);
  });
});
