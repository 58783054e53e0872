import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer as bytesOf } from 'node:stream/consumers';
import { test } from 'node:test';
import { DomainError } from '../domain-error.ts';
import { type DsnInput, explainStatus, readDsn, renderDsn } from './dsn.ts';
import { parseMail } from './parse.ts';
import { renderMail } from './render.ts';

const ORIGINAL_ID = '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>';
const SECRET_SUBJECT = 'Insuline et bandelettes';
const SECRET_TEXT = 'Mon traitement contre le diabète';

/** The header block of a message as we render it. */
async function originalHeaders(): Promise<string> {
  const wire = await bytesOf(
    renderMail({
      from: { address: 'officine.750000001@pharmacie.mssante.fr', name: 'Pharmacie du Marché' },
      to: [{ address: '175037512300512@patient.mssante.fr', name: 'Camille Martin' }],
      subject: SECRET_SUBJECT,
      date: '2026-03-15T09:00:00.000Z',
      messageId: ORIGINAL_ID,
      text: SECRET_TEXT,
      nil: 'Officine MSS',
    }),
  );
  return wire.toString('latin1', 0, wire.indexOf('\r\n\r\n'));
}

async function dsn(overrides: Partial<DsnInput> = {}): Promise<DsnInput> {
  return {
    reportingMta: 'mss.officine.test',
    from: { address: 'MAILER-DAEMON@mss.officine.test', name: 'Officine MSS' },
    to: { address: 'officine.750000001@pharmacie.mssante.fr' },
    date: '2026-03-15T09:05:00.000Z',
    messageId: '<dsn-0195f3a2@mss.officine.test>',
    original: {
      messageId: ORIGINAL_ID,
      envelopeId: 'env-42',
      arrivalDate: '2026-03-15T09:00:01.000Z',
      headers: await originalHeaders(),
    },
    recipients: [
      {
        finalRecipient: '175037512300512@patient.mssante.fr',
        originalRecipient: '175037512300512@patient.mssante.fr',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 <175037512300512@patient.mssante.fr>: Recipient address rejected',
        remoteMta: 'dns; mx.patient.mssante.fr',
        lastAttemptDate: '2026-03-15T09:04:59.000Z',
      },
      { finalRecipient: 'autre@pharmacie.mssante.fr', action: 'delayed', status: '4.4.1' },
    ],
    ...overrides,
  };
}

const withoutLastAttempt = (r: DsnInput['recipients'][number] | undefined) => {
  const { lastAttemptDate: _date, ...rest } = r ?? { finalRecipient: '', action: 'failed', status: '' };
  return rest;
};

test('a DSN we build reads back: envelope id, per-recipient action, status and diagnostic, original id', async () => {
  const input = await dsn();
  const wire = await bytesOf(renderDsn(input));
  assert.ok(wire.equals(await bytesOf(renderDsn(input))), 'deterministic');
  const parsed = await parseMail(Readable.from([wire]));
  assert.equal(parsed.headers.contentType, 'multipart/report');
  assert.equal(parsed.headers.reportType, 'delivery-status');
  assert.equal(parsed.headers.autoSubmitted, 'auto-replied');
  assert.equal(parsed.headers.subject, 'Message non remis / Undelivered message');
  assert.deepEqual(readDsn(parsed), {
    originalMessageId: ORIGINAL_ID,
    envelopeId: 'env-42',
    reportingMta: 'mss.officine.test',
    recipients: [
      { ...withoutLastAttempt(input.recipients[0]), remoteMta: 'mx.patient.mssante.fr' },
      {
        finalRecipient: 'autre@pharmacie.mssante.fr',
        originalRecipient: null,
        action: 'delayed',
        status: '4.4.1',
        diagnosticCode: null,
        remoteMta: null,
      },
    ],
  });
  // The human part, in French then English, names the reason — never the subject or the text.
  assert.match(parsed.text, /destinataire introuvable/);
  assert.match(parsed.text, /recipient not found/);
  assert.match(parsed.text, /remise retardée/);
  assert.ok(!parsed.text.includes(SECRET_SUBJECT));
  assert.ok(!wire.toString('latin1').includes(SECRET_TEXT), 'the original text is not sent back');
});

test("Python's email module reads our DSN as a delivery-status report", async () => {
  const wire = await bytesOf(renderDsn(await dsn()));
  const script = `
import sys, json, email
from email import policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = list(m.iter_parts())
status = parts[1]
print(json.dumps({
  'defects': [str(d) for p in m.walk() for d in p.defects],
  'type': m.get_content_type(), 'report': m.get_param('report-type'),
  'parts': [p.get_content_type() for p in parts],
  'groups': [dict(g.items()) for g in status.get_payload()],
}))
`;
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: wire }).toString('utf8'));
  assert.deepEqual(out.defects, []);
  assert.equal(out.type, 'multipart/report');
  assert.equal(out.report, 'delivery-status');
  assert.deepEqual(out.parts, ['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
  assert.equal(out.groups[0]['Original-Envelope-Id'], 'env-42');
  assert.equal(out.groups[1].Status, '5.1.1');
  assert.equal(out.groups[2].Action, 'delayed');
});

test('a DSN shaped as Postfix writes them is read', async () => {
  const boundary = '4F2B41C0E3.1772529300/mx.pharmacie-x.fr';
  const postfix = [
    'Return-Path: <>',
    'Received: by mx.pharmacie-x.fr (Postfix)',
    '\tid 4F2B41C0E3; Tue,  3 Mar 2026 10:15:00 +0100 (CET)',
    'Date: Tue,  3 Mar 2026 10:15:00 +0100 (CET)',
    'From: MAILER-DAEMON@mx.pharmacie-x.fr (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    'To: officine.750000001@pharmacie.mssante.fr',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    `\tboundary="${boundary}"`,
    'Content-Transfer-Encoding: 8bit',
    'Message-Id: <20260303091500.4F2B41C0E3@mx.pharmacie-x.fr>',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is the mail system at host mx.pharmacie-x.fr.',
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.pharmacie-x.fr',
    'X-Postfix-Queue-ID: 4F2B41C0E3',
    'X-Postfix-Sender: rfc822; officine.750000001@pharmacie.mssante.fr',
    'Arrival-Date: Tue,  3 Mar 2026 10:14:58 +0100 (CET)',
    '',
    'Final-Recipient: rfc822; 175037512300512@patient.mssante.fr',
    'Original-Recipient: rfc822;175037512300512@patient.mssante.fr',
    'Action: failed',
    'Status: 5.2.2',
    'Remote-MTA: dns; mx.patient.mssante.fr',
    'Diagnostic-Code: smtp; 552 5.2.2 <175037512300512@patient.mssante.fr>:',
    '    Mailbox full',
    '',
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    'Received: from mss.officine.test (mss.officine.test [192.0.2.1])',
    'Message-ID: ',
    ` ${ORIGINAL_ID}`,
    'Subject: whatever',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const parsed = await parseMail(Readable.from([Buffer.from(postfix)]));
  assert.deepEqual(readDsn(parsed), {
    originalMessageId: ORIGINAL_ID,
    envelopeId: null,
    reportingMta: 'mx.pharmacie-x.fr',
    recipients: [
      {
        finalRecipient: '175037512300512@patient.mssante.fr',
        originalRecipient: '175037512300512@patient.mssante.fr',
        action: 'failed',
        status: '5.2.2',
        diagnosticCode: 'smtp; 552 5.2.2 <175037512300512@patient.mssante.fr>:    Mailbox full',
        remoteMta: 'mx.patient.mssante.fr',
      },
    ],
  });
  assert.deepEqual(explainStatus('5.2.2'), { fr: 'boîte aux lettres pleine', en: 'mailbox full' });
});

test('a DSN that Postfix 3.7 wrote (the original returned whole, as message/rfc822) is read', async () => {
  // Made by a throwaway Postfix with `transport_maps` sending bad@… to `error:5.1.1 …`, the
  // bounce delivered to a file through a pipe transport; message sent with swaks.
  const file = path.join(import.meta.dirname, 'test-fixtures', 'postfix-dsn.eml');
  const parsed = await parseMail(fs.createReadStream(file));
  assert.equal(parsed.headers.autoSubmitted, 'auto-replied');
  assert.deepEqual(parsed.attachments, [], 'the returned original is a report part, not an attachment');
  const report = readDsn(parsed);
  assert.deepEqual(report, {
    originalMessageId: ORIGINAL_ID,
    envelopeId: null,
    reportingMta: 'mx.pharmacie-x.test',
    recipients: [
      {
        finalRecipient: 'bad@patient.mssante.test',
        originalRecipient: 'bad@patient.mssante.test',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'X-Postfix; <bad@patient.mssante.test>: Recipient address    rejected: User unknown',
        remoteMta: null,
      },
    ],
  });
  assert.match(explainStatus(report.recipients[0]?.status ?? '').fr, /introuvable/);
});

test('the bounces a patient must understand are explained', () => {
  assert.match(explainStatus('5.1.1').fr, /introuvable/);
  assert.match(explainStatus('5.1.3').fr, /invalide/);
  assert.match(explainStatus('5.2.1').fr, /fermée/);
  assert.match(explainStatus('5.3.4').fr, /volumineux/);
  assert.match(explainStatus('5.2.3').fr, /volumineux/);
  assert.match(explainStatus('4.4.7').fr, /retardée/);
  assert.equal(explainStatus('5.9.9').fr, 'remise impossible');
});

test('a message that is not a delivery report is refused as such', async () => {
  const plain = await parseMail(Readable.from([Buffer.from('From: a@b.fr\r\n\r\ntexte\r\n')]));
  assert.throws(
    () => readDsn(plain),
    (error: unknown) => error instanceof DomainError && error.code === 'MAIL_NOT_A_REPORT',
  );
});
