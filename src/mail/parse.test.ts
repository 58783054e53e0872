import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DomainError } from '../domain-error.ts';
import { type IncomingAttachment, type ParseOptions, parseMail } from './parse.ts';

const wire = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');
const from = (data: Buffer | string) => Readable.from([typeof data === 'string' ? Buffer.from(data) : data]);

async function collect(data: Buffer, options: ParseOptions = {}) {
  const files: Array<IncomingAttachment & { content: Buffer }> = [];
  const parsed = await parseMail(from(data), {
    ...options,
    onAttachment: async (info, content) => {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      files.push({ ...info, content: Buffer.concat(chunks) });
    },
  });
  return { parsed, files };
}

async function refused(data: Buffer | Readable, code: string, options: ParseOptions = {}) {
  await assert.rejects(
    parseMail(Buffer.isBuffer(data) ? from(data) : data, options),
    (error: unknown) => error instanceof DomainError && error.code === code,
  );
}

test('a message from a mail client: folded headers, encoded words, nested mixed + alternative, latin-1', async () => {
  const message = wire(
    'Return-Path: <secretariat@pharmacie-x.mssante.fr>',
    'From: =?ISO-8859-1?Q?Ph=E9nix_=28secr=E9tariat=29?=',
    ' <secretariat@pharmacie-x.mssante.fr>',
    'To: "Dubois, Claire" <claire.dubois@pharmacie.mssante.fr>,',
    '\t=?UTF-8?B?w4lsb8Ovc2U=?= <eloise@patient.mssante.fr>',
    'Cc: Equipe: a@b.fr, c@d.fr;',
    'Subject: =?UTF-8?Q?Ordonnance_renouvel=C3=A9e?=',
    ' =?UTF-8?Q?_=E2=80=94_suite?=',
    'Date: Tue, 3 Mar 2026 10:15:00 +0100 (CET)',
    'Message-ID:',
    ' <20260303091500.ABCDEF@mx.pharmacie-x.mssante.fr>',
    'In-Reply-To: <0195f3a2-0000-7000-8000-000000000001@mss.officine.test>',
    'References: <0195f3a2-0000-7000-8000-000000000000@mss.officine.test>',
    '  <0195f3a2-0000-7000-8000-000000000001@mss.officine.test>',
    'X-MSS-NIL: LGO Exemple 4.2',
    'x-mss-mes: FIN',
    'Auto-Submitted: no',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer',
    'Content-Type: multipart/alternative;',
    ' boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=ISO-8859-1; format=flowed',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Bonjour Madame, votre ordonnance est pr=EAte. Vous pouvez passer la =',
    'chercher d=E8s demain.',
    '',
    'Cordialement,=20',
    'La pharmacie',
    '--inner',
    'Content-Type: text/html; charset=UTF-8',
    '',
    '<p>Bonjour Madame, <b>ignored</b></p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: application/pdf; name="=?UTF-8?Q?facture_d=C3=A9cembre.pdf?="',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment;',
    " filename*0*=UTF-8''facture%20d%C3%A9;",
    ' filename*1*=cembre.pdf',
    '',
    Buffer.from('%PDF-1.4 fake').toString('base64'),
    '--outer',
    'Content-Type: application/zip; name=IHE_XDM.ZIP',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('PK\x03\x04zip').toString('base64'),
    '--outer',
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="transfert.eml"',
    '',
    'From: x@y.fr',
    'Subject: forwarded',
    '',
    'forwarded body',
    '--outer--',
    '',
  );
  const { parsed, files } = await collect(message);
  const h = parsed.headers;
  assert.deepEqual(h.from, [{ address: 'secretariat@pharmacie-x.mssante.fr', name: 'Phénix (secrétariat)' }]);
  assert.deepEqual(h.to, [
    { address: 'claire.dubois@pharmacie.mssante.fr', name: 'Dubois, Claire' },
    { address: 'eloise@patient.mssante.fr', name: 'Éloïse' },
  ]);
  assert.deepEqual(
    h.cc.map((a) => a.address),
    ['a@b.fr', 'c@d.fr'],
  );
  assert.equal(h.subject, 'Ordonnance renouvelée — suite');
  assert.equal(h.date, '2026-03-03T09:15:00.000Z');
  assert.equal(h.messageId, '<20260303091500.ABCDEF@mx.pharmacie-x.mssante.fr>');
  assert.equal(h.inReplyTo, '<0195f3a2-0000-7000-8000-000000000001@mss.officine.test>');
  assert.deepEqual(h.references, [
    '<0195f3a2-0000-7000-8000-000000000000@mss.officine.test>',
    '<0195f3a2-0000-7000-8000-000000000001@mss.officine.test>',
  ]);
  assert.equal(h.nil, 'LGO Exemple 4.2');
  assert.equal(h.mssMes, 'FIN');
  assert.equal(h.autoSubmitted, 'no');
  assert.equal(h.contentType, 'multipart/mixed');
  assert.equal(h.reportType, null);
  assert.equal(
    parsed.text,
    'Bonjour Madame, votre ordonnance est prête. Vous pouvez passer la chercher dès demain.\n\nCordialement, La pharmacie',
  );
  assert.equal(parsed.textFromHtml, false);
  assert.deepEqual(
    files.map((f) => [f.filename, f.contentType, f.part, f.content.toString('latin1')]),
    [
      ['facture décembre.pdf', 'application/pdf', '2', '%PDF-1.4 fake'],
      ['IHE_XDM.ZIP', 'application/zip', '3', 'PK\x03\x04zip'],
      ['transfert.eml', 'message/rfc822', '4', 'From: x@y.fr\r\nSubject: forwarded\r\n\r\nforwarded body'],
    ],
  );
  assert.deepEqual(
    parsed.attachments.map((a) => a.size),
    [13, 7, 50],
  );
  assert.equal(parsed.report, null);
});

test('a base64 text part in windows-1252, and a message with only HTML', async () => {
  const latin = await collect(
    wire(
      'From: a@b.fr',
      'Subject: =?windows-1252?Q?Caf=E9_=80?=',
      'Content-Type: text/plain; charset=windows-1252',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x0d, 0x0a, 0x9c, 0x75, 0x66]).toString('base64'),
      '',
    ),
  );
  assert.equal(latin.parsed.headers.subject, 'Café €');
  assert.equal(latin.parsed.text, 'café €\nœuf');
  const html = await collect(
    wire(
      'From: a@b.fr',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<html><head><title>t</title><style>p{color:red}</style></head><body>',
      '<p>Bonjour&nbsp;Madame,</p><script>alert("x")</script><!-- hidden -->',
      '<p>Votre commande est pr=C3=AAte&#8239;: <a href=3D"https://x">lien</a><br>',
      'Total&nbsp;: 12&euro; &lt;TTC&gt;</p><ul><li>un</li><li>deux</li></ul>',
      '</body></html>',
    ),
  );
  assert.equal(html.parsed.textFromHtml, true);
  assert.equal(
    html.parsed.text,
    'Bonjour Madame,\n\nVotre commande est prête\u202f: lien\nTotal : 12€ <TTC>\n\n- un\n- deux',
  );
  assert.doesNotMatch(html.parsed.text, /alert|hidden|color/);
});

test('a message without MIME headers is text; a bare LF message is read the same; no header is malformed', async () => {
  const { parsed } = await collect(Buffer.from('From: a@b.fr\nSubject: prête\n\nligne 1\nligne 2\n'));
  assert.equal(parsed.headers.subject, 'prête', 'raw UTF-8 in a header is read as UTF-8');
  assert.equal(parsed.headers.contentType, 'text/plain');
  assert.equal(parsed.text, 'ligne 1\nligne 2');
  assert.deepEqual(parsed.headers.to, []);
  assert.equal(parsed.headers.messageId, null);
  assert.equal(parsed.headers.date, null);
  for (const garbage of ['', 'no header here', '\r\n\r\nbody only'])
    await refused(Buffer.from(garbage), 'MAIL_MALFORMED');
});

test("a message written by Python's email package (an outside writer) is read", async () => {
  const script = `
import sys
from email.message import EmailMessage
from email import policy
m = EmailMessage(policy=policy.SMTP)
m['From'] = 'Pharmacie Élysée <officine.x@pharmacie.mssante.fr>'
m['To'] = '175037512300512@patient.mssante.fr'
m['Subject'] = 'Votre ordonnance est prête — à bientôt'
m['Message-ID'] = '<py-1@pharmacie.mssante.fr>'
m['References'] = '<a@b.fr> <c@d.fr>'
m['X-MSS-NIL'] = 'Python 3'
m.set_content('Bonjour,\\nvotre ordonnance est prête.\\n', charset='iso-8859-1', cte='quoted-printable')
m.add_alternative('<p>Bonjour, <b>HTML</b></p>', subtype='html')
m.add_attachment(bytes(range(256)) * 10, maintype='application', subtype='pdf', filename='ordonnance été très longue nom de fichier 2026.pdf')
sys.stdout.buffer.write(m.as_bytes())
`;
  const message = execFileSync('python3', ['-c', script]);
  const { parsed, files } = await collect(message);
  assert.equal(parsed.headers.from[0]?.name, 'Pharmacie Élysée');
  assert.equal(parsed.headers.subject, 'Votre ordonnance est prête — à bientôt');
  assert.equal(parsed.headers.messageId, '<py-1@pharmacie.mssante.fr>');
  assert.deepEqual(parsed.headers.references, ['<a@b.fr>', '<c@d.fr>']);
  assert.equal(parsed.headers.nil, 'Python 3');
  assert.equal(parsed.text, 'Bonjour,\nvotre ordonnance est prête.');
  assert.equal(files.length, 1);
  assert.equal(files[0]?.filename, 'ordonnance été très longue nom de fichier 2026.pdf');
  assert.equal(files[0]?.contentType, 'application/pdf');
  assert.ok(
    files[0]?.content.equals(
      Buffer.concat(Array.from({ length: 10 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i)))),
    ),
  );
});

test('bounds: header block, parts, depth, text, line and message size have stable codes', async () => {
  await refused(wire('From: a@b.fr', `X-Long: ${'a '.repeat(2000)}`, '', 'x'), 'MAIL_HEADER_TOO_LARGE', {
    limits: { headerBytes: 1024 },
  });
  const parts = (n: number) =>
    wire(
      'Content-Type: multipart/mixed; boundary=b',
      '',
      ...Array.from({ length: n }, (_, i) => ['--b', 'Content-Type: text/plain', '', `part ${i}`]).flat(),
      '--b--',
      '',
    );
  await collect(parts(9), { limits: { parts: 10 } });
  await refused(parts(10), 'MAIL_TOO_MANY_PARTS', { limits: { parts: 10 } });
  const nested = (depth: number): string[] =>
    depth === 0
      ? ['Content-Type: text/plain', '', 'deep']
      : [
          `Content-Type: multipart/mixed; boundary=d${depth}`,
          '',
          `--d${depth}`,
          ...nested(depth - 1),
          `--d${depth}--`,
        ];
  await collect(wire(...nested(3), ''), { limits: { depth: 3 } });
  await refused(wire(...nested(4), ''), 'MAIL_TOO_DEEP', { limits: { depth: 3 } });
  const text = (chars: number) => wire('Content-Type: text/plain; charset=utf-8', '', 'é'.repeat(chars));
  await collect(text(100), { limits: { textChars: 100 } });
  await refused(text(101), 'MAIL_TEXT_TOO_LONG', { limits: { textChars: 101 - 1 } });
  await refused(text(1000), 'MAIL_TEXT_TOO_LONG', { limits: { textChars: 100 } });
  await refused(wire('Content-Type: text/html', '', `<p>${'x'.repeat(5000)}</p>`), 'MAIL_TEXT_TOO_LONG', {
    limits: { textChars: 100 },
  });
  await collect(wire('From: a@b.fr', '', 'x'.repeat(100)), { limits: { lineBytes: 100 } });
  await refused(wire('From: a@b.fr', '', 'x'.repeat(101)), 'MAIL_LINE_TOO_LONG', {
    limits: { lineBytes: 100 },
  });
  // A line split over many chunks is still one line.
  const split = Readable.from(Array.from({ length: 50 }, () => Buffer.from('y'.repeat(10))));
  await refused(split, 'MAIL_LINE_TOO_LONG', { limits: { lineBytes: 100 } });
  await refused(wire('From: a@b.fr', '', 'x'.repeat(500)), 'MAIL_TOO_LARGE', {
    limits: { messageBytes: 400 },
  });
});

/** The head of a multipart/mixed message: a text part, then a base64 PDF whose lines follow. */
const textThenPdf = (name: string) => [
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'texte',
  '--b',
  `Content-Type: application/pdf; name=${name}`,
  'Content-Transfer-Encoding: base64',
  '',
];

test('an attachment is streamed to the sink; a failing sink fails the parse, a sink that stops reading does not', async () => {
  const big = Buffer.alloc(2_000_000, 7);
  const message = wire(
    ...textThenPdf('a.pdf'),
    ...(big.toString('base64').match(/.{1,76}/g) ?? []),
    '--b',
    'Content-Type: image/png; name=b.png',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('png').toString('base64'),
    '--b--',
  );
  await assert.rejects(
    parseMail(from(message), {
      onAttachment: async (_info, content) => {
        for await (const _chunk of content) throw new DomainError('ATTACHMENT_TYPE_REFUSED', 'refusé');
      },
    }),
    (error: unknown) => error instanceof DomainError && error.code === 'ATTACHMENT_TYPE_REFUSED',
  );
  const seen: string[] = [];
  const parsed = await parseMail(from(message), {
    onAttachment: async (info) => {
      seen.push(info.filename ?? '');
    },
  });
  assert.deepEqual(seen, ['a.pdf', 'b.png']);
  assert.equal(parsed.text, 'texte');
  assert.deepEqual(
    parsed.attachments.map((a) => a.filename),
    ['a.pdf', 'b.png'],
  );
});

test('a sink reading an attachment that a bound cuts short gets an error, not a hang', async () => {
  const message = wire(
    ...textThenPdf('a.pdf'),
    ...(Buffer.alloc(300_000, 1)
      .toString('base64')
      .match(/.{1,76}/g) ?? []),
  );
  let sinkOutcome: Promise<string> | undefined;
  const chunks = Array.from({ length: Math.ceil(message.length / 10_000) }, (_, i) =>
    message.subarray(i * 10_000, (i + 1) * 10_000),
  );
  await refused(Readable.from(chunks), 'MAIL_TOO_LARGE', {
    limits: { messageBytes: 200_000 },
    onAttachment: (_info, content) => {
      sinkOutcome = buffer(content).then(
        () => 'ended',
        (error: DomainError) => error.code,
      );
      return sinkOutcome.then(() => {});
    },
  });
  assert.equal(await sinkOutcome, 'MAIL_TOO_LARGE');
  // A single-part message's body is part 1.
  const { files } = await collect(
    wire('Content-Type: application/pdf', 'Content-Disposition: attachment', '', 'x'),
  );
  assert.equal(files[0]?.part, '1');
});

test('a 25 MB message is parsed in bounded memory: the heap grows far less than the message', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const total = 25 * 1024 * 1024;
  const lineBytes = 57;
  const linesPerChunk = 1024;
  // The message is generated as it is read: nothing holds it whole.
  async function* message() {
    yield Buffer.from([...textThenPdf('big.pdf'), ''].join('\r\n'));
    let seed = createHash('sha256').update('big').digest();
    for (let sent = 0; sent < total; ) {
      const lines: string[] = [];
      for (let i = 0; i < linesPerChunk && sent < total; i += 1, sent += lineBytes) {
        seed = createHash('sha256').update(seed).digest();
        lines.push(Buffer.concat([seed, seed, seed]).subarray(0, lineBytes).toString('base64'));
      }
      yield Buffer.from(`${lines.join('\r\n')}\r\n`);
    }
    yield Buffer.from('--b--\r\n');
  }
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const before = used();
  let peak = 0;
  let received = 0;
  let sampledAt = 0;
  const parsed = await parseMail(Readable.from(message()), {
    onAttachment: async (_info, content) => {
      for await (const chunk of content) {
        received += (chunk as Buffer).length;
        if (received - sampledAt > 2 * 1024 * 1024) {
          sampledAt = received;
          gc();
          peak = Math.max(peak, used() - before);
        }
      }
    },
  });
  assert.ok(received >= total, `${received} bytes received`);
  assert.equal(parsed.attachments[0]?.size, received);
  assert.ok(peak > 0, 'sampled');
  // Encoded, the message is about 34 MB; a copy of it would show here.
  assert.ok(peak < 8 * 1024 * 1024, `heap + buffers grew by ${(peak / 1048576).toFixed(1)} MB`);
  console.log(`# 25 MB message: heap + buffers grew by at most ${(peak / 1048576).toFixed(1)} MB`);
});
