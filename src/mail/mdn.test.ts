import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { buffer as bytesOf } from 'node:stream/consumers';
import { test } from 'node:test';
import { DomainError } from '../domain-error.ts';
import { type MdnInput, readMdn, receiptRecipient, renderMdn } from './mdn.ts';
import { parseMail } from './parse.ts';
import { renderMail } from './render.ts';

const ORIGINAL_ID = '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>';
const PHARMACY = 'officine.750000001@pharmacie.mssante.fr';
const PATIENT = '175037512300512@patient.mssante.fr';

const mdn: MdnInput = {
  reportingUa: 'mss.officine.test; Officine MSS',
  from: { address: PHARMACY, name: 'Pharmacie du Marché' },
  to: { address: PATIENT },
  date: '2026-03-15T10:00:00.000Z',
  messageId: '<mdn-0195f3a2@mss.officine.test>',
  original: { messageId: ORIGINAL_ID, headers: `Message-ID: ${ORIGINAL_ID}\r\nSubject: Insuline` },
};

test('a read receipt we build reads back as "displayed" for the original message', async () => {
  const wire = await bytesOf(renderMdn(mdn));
  assert.ok(wire.equals(await bytesOf(renderMdn(mdn))), 'deterministic');
  const parsed = await parseMail(Readable.from([wire]));
  assert.equal(parsed.headers.reportType, 'disposition-notification');
  assert.equal(parsed.headers.autoSubmitted, 'auto-replied');
  assert.equal(parsed.headers.subject, 'Accusé de lecture / Read receipt');
  assert.deepEqual(readMdn(parsed), {
    originalMessageId: ORIGINAL_ID,
    finalRecipient: PHARMACY,
    originalRecipient: null,
    reportingUa: 'mss.officine.test; Officine MSS',
    actionMode: 'manual-action/MDN-sent-automatically',
    disposition: 'displayed',
  });
  assert.match(parsed.text, /a été affiché/);
  assert.doesNotMatch(parsed.text, /Insuline/);
  const script = `
import sys, json, email
from email import policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
parts = list(m.iter_parts())
print(json.dumps({'defects': [str(d) for p in m.walk() for d in p.defects],
  'report': m.get_param('report-type'), 'parts': [p.get_content_type() for p in parts]}))
`;
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: wire }).toString('utf8'));
  assert.deepEqual(out, {
    defects: [],
    report: 'disposition-notification',
    parts: ['text/plain', 'message/disposition-notification', 'text/rfc822-headers'],
  });
});

test('an MDN from another client is read; the original id falls back to the returned headers', async () => {
  const thunderbird = [
    'From: Pharmacie X <officine.x@pharmacie.mssante.fr>',
    `To: ${PATIENT}`,
    'Subject: Return Receipt (displayed) - Ordonnance',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type="disposition-notification";',
    ' boundary="------------ABC"',
    '',
    '--------------ABC',
    'Content-Type: text/plain; charset=UTF-8',
    '',
    'This is a Return Receipt.',
    '--------------ABC',
    'Content-Type: message/disposition-notification; name="MDNPart2.txt"',
    'Content-Disposition: inline',
    '',
    'Reporting-UA: poste-1.pharmacie-x.fr; LGO Exemple 4.2',
    'Final-Recipient: rfc822;officine.x@pharmacie.mssante.fr',
    'Disposition: manual-action/MDN-sent-manually; displayed/error',
    '',
    '--------------ABC',
    'Content-Type: text/rfc822-headers; name="MDNPart3.txt"',
    'Content-Disposition: inline',
    '',
    `Message-ID: ${ORIGINAL_ID}`,
    '',
    '--------------ABC--',
    '',
  ].join('\r\n');
  const report = readMdn(await parseMail(Readable.from([Buffer.from(thunderbird)])));
  assert.deepEqual(report, {
    originalMessageId: ORIGINAL_ID,
    finalRecipient: 'officine.x@pharmacie.mssante.fr',
    originalRecipient: null,
    reportingUa: 'poste-1.pharmacie-x.fr; LGO Exemple 4.2',
    actionMode: 'manual-action/MDN-sent-manually',
    disposition: 'displayed',
  });
});

test('a receipt goes to the one Disposition-Notification-To of a message that is not automatic', async () => {
  const headersOf = async (overrides: { dnt?: string[]; auto?: string }) => {
    const wire = await bytesOf(
      renderMail({
        from: { address: PATIENT },
        to: [{ address: PHARMACY }],
        subject: 'x',
        date: '2026-03-15T09:00:00.000Z',
        messageId: ORIGINAL_ID,
        text: 'x',
        nil: 'N',
        dispositionNotificationTo: overrides.dnt?.[0] ? { address: overrides.dnt[0] } : null,
      }),
    );
    let text = wire.toString('latin1');
    if (overrides.dnt && overrides.dnt.length > 1)
      text = text.replace(
        /^Disposition-Notification-To: .*$/m,
        `Disposition-Notification-To: ${overrides.dnt.join(', ')}`,
      );
    if (overrides.auto) text = `Auto-Submitted: ${overrides.auto}\r\n${text}`;
    return (await parseMail(Readable.from([Buffer.from(text, 'latin1')]))).headers;
  };
  assert.equal(receiptRecipient(await headersOf({ dnt: [PATIENT] })), PATIENT);
  assert.equal(receiptRecipient(await headersOf({})), null);
  assert.equal(receiptRecipient(await headersOf({ dnt: [PATIENT, 'autre@x.fr'] })), null);
  assert.equal(receiptRecipient(await headersOf({ dnt: [PATIENT], auto: 'auto-generated' })), null);
  assert.equal(receiptRecipient(await headersOf({ dnt: [PATIENT], auto: 'no' })), PATIENT);
});

test('a DSN is not an MDN', async () => {
  const dsnLike = [
    'Content-Type: multipart/report; report-type=delivery-status; boundary=b',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; x',
    '--b--',
    '',
  ].join('\r\n');
  const parsed = await parseMail(Readable.from([Buffer.from(dsnLike)]));
  assert.throws(
    () => readMdn(parsed),
    (error: unknown) => error instanceof DomainError && error.code === 'MAIL_NOT_A_REPORT',
  );
});
