import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer as bytesOf } from 'node:stream/consumers';
import { test } from 'node:test';
import { parseMail } from './parse.ts';
import { base64Length, type RenderInput, renderedSize, renderMail } from './render.ts';

/** Deterministic pseudo-random bytes, delivered in chunks of odd sizes. */
function bytes(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function chunked(data: Buffer, size = 7_777): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size));
  return Readable.from(parts);
}

const PDF = bytes(150_001, 'pdf');
const PHOTO = bytes(64_000, 'photo');

function sample(overrides: Partial<RenderInput> = {}): RenderInput & { opened: string[] } {
  const opened: string[] = [];
  return {
    opened,
    from: { address: '175037512300512@patient.mssante.fr', name: 'Martin, Camille' },
    to: [{ address: 'officine.750000001@pharmacie.mssante.fr', name: 'Pharmacie du Marché' }],
    subject: 'Renouvellement d’ordonnance — été',
    date: '2026-03-15T09:00:00.000Z',
    messageId: '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>',
    inReplyTo: '<0195f3a2-0000-7000-8000-000000000002@mss.officine.test>',
    references: [
      '<0195f3a2-0000-7000-8000-000000000001@mss.officine.test>',
      '<0195f3a2-0000-7000-8000-000000000002@mss.officine.test>',
    ],
    text:
      'Bonjour,\nvoici mon ordonnance.\n\nMerci — Camille\nune ligne très longue '.repeat(3) +
      'x'.repeat(300),
    attachments: [
      {
        filename: 'ordonnance été 2026.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        open: () => {
          opened.push('pdf');
          return chunked(PDF);
        },
      },
      {
        filename: 'photo.jpg',
        contentType: 'image/jpeg',
        size: PHOTO.length,
        open: () => {
          opened.push('photo');
          return chunked(PHOTO, 4096);
        },
      },
    ],
    nil: 'Officine MSS 0.1.0',
    fin: true,
    dispositionNotificationTo: {
      address: 'officine.750000001@pharmacie.mssante.fr',
      name: 'Pharmacie du Marché',
    },
    ...overrides,
  };
}

test('the same input renders the same bytes, with the stored date and no random boundary', async () => {
  const first = await bytesOf(renderMail(sample()));
  const second = await bytesOf(renderMail(sample()));
  assert.ok(first.equals(second));
  const head = first.toString('latin1', 0, first.indexOf('\r\n\r\n'));
  assert.match(head, /^Date: Sun, 15 Mar 2026 09:00:00 \+0000$/m);
  assert.match(head, /^Message-ID: <0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss\.officine\.test>$/m);
  assert.match(head, /^In-Reply-To: <0195f3a2-0000-7000-8000-000000000002@mss\.officine\.test>$/m);
  assert.match(head, /^X-MSS-NIL: Officine MSS 0\.1\.0$/m);
  assert.match(head, /^X-MSS-MES: FIN$/m);
  assert.match(head, /^MIME-Version: 1\.0$/m);
  // Another message id (or another text) gives other boundaries.
  const other = await bytesOf(renderMail(sample({ messageId: '<other@mss.officine.test>' })));
  const boundary = (b: Buffer) => /boundary="([^"]+)"/.exec(b.toString('latin1'))?.[1];
  assert.notEqual(boundary(first), boundary(other));
  assert.notEqual(boundary(first), boundary(await bytesOf(renderMail(sample({ text: 'autre' })))));
});

test('every line ends in CRLF and none exceeds 78 characters; non-ASCII is encoded', async () => {
  const wire = (await bytesOf(renderMail(sample()))).toString('latin1');
  assert.doesNotMatch(wire, /[^\r]\n/);
  for (const line of wire.split('\r\n')) assert.ok(line.length <= 78, line);
  assert.doesNotMatch(wire, /[\x80-\xff]/, 'the wire is 7-bit: RFC 2047, RFC 2231, quoted-printable, base64');
  assert.match(wire, /filename\*0\*=utf-8''ordonnance%20%C3%A9t%C3%A9/);
  assert.match(wire, /^Subject: =\?UTF-8\?Q\?/m);
});

test('renderedSize equals the rendered length without opening a file, for any attachment size', async () => {
  for (const sizes of [[0], [1], [2], [3], [56], [57], [58], [114], [1000], [100_000, 0, 3]]) {
    const input = sample({
      attachments: sizes.map((size, i) => ({
        filename: `f${i}.pdf`,
        contentType: 'application/pdf',
        size,
        open: () => chunked(bytes(size, `f${i}`), 1000),
      })),
    });
    const rendered = await bytesOf(renderMail(input));
    let opened = 0;
    const counting = {
      ...input,
      attachments: input.attachments?.map((a) => ({
        ...a,
        open: () => {
          opened += 1;
          return a.open();
        },
      })),
    };
    assert.equal(await renderedSize(counting), rendered.length, `sizes ${sizes}`);
    assert.equal(opened, 0);
  }
  // Without a declared size, the attachment is opened and counted.
  const input = sample();
  const unsized = { ...input, attachments: input.attachments?.map(({ size: _size, ...a }) => a) };
  assert.equal(await renderedSize(unsized), (await bytesOf(renderMail(input))).length);
  assert.equal(base64Length(0), 0);
  assert.equal(base64Length(57), 76);
  assert.equal(base64Length(58), 76 + 2 + 4);
});

test('attachments are opened in turn, when the output reaches them', async () => {
  const input = sample();
  const stream = renderMail(input);
  assert.deepEqual(input.opened, []);
  const seen: string[][] = [];
  for await (const _chunk of stream) seen.push([...input.opened]);
  assert.deepEqual(input.opened, ['pdf', 'photo']);
  assert.deepEqual(seen[0], [], 'the first bytes come before any file is opened');
});

test('a line break in a subject, a name, a file name or X-MSS-NIL cannot add a header', async () => {
  const input = sample({
    from: { address: 'a@b.fr', name: 'Evil\r\nBcc: victim@x.fr' },
    subject: 'Bonjour\r\nX-Injected: oui',
    nil: 'NIL\nX-Other: 1',
    attachments: [
      {
        filename: 'a\r\nContent-Type: text/html\r\n\r\n<script>.pdf',
        contentType: 'application/pdf',
        size: 1,
        open: () => Readable.from([Buffer.from('x')]),
      },
    ],
  });
  const wire = (await bytesOf(renderMail(input))).toString('latin1');
  assert.doesNotMatch(wire, /^(Bcc|X-Injected|X-Other|Content-Type: text\/html)/m);
  const files: Array<string | null> = [];
  const parsed = await parseMail(Readable.from([Buffer.from(wire, 'latin1')]), {
    onAttachment: async (info, content) => {
      files.push(info.filename);
      content.resume();
    },
  });
  // Read back, the values are on one line.
  assert.equal(parsed.headers.from[0]?.name, 'Evil Bcc: victim@x.fr');
  assert.equal(parsed.headers.subject, 'Bonjour X-Injected: oui');
  assert.equal(parsed.headers.nil, 'NIL X-Other: 1');
  assert.deepEqual(files, ['a Content-Type: text/html <script>.pdf']);
});

test('a file that fails while streaming fails the rendering', async () => {
  const input = sample({
    attachments: [
      {
        filename: 'x.pdf',
        contentType: 'application/pdf',
        open: () =>
          new Readable({
            read() {
              this.destroy(new Error('blob corrupted'));
            },
          }),
      },
    ],
  });
  await assert.rejects(bytesOf(renderMail(input)), /blob corrupted/);
});

test('render → parse gives back the fields and the attachment bytes', async () => {
  const received: Array<{ filename: string | null; contentType: string; sha: string }> = [];
  const parsed = await parseMail(renderMail(sample()), {
    onAttachment: async (info, content) => {
      const data = await bytesOf(content);
      received.push({
        filename: info.filename,
        contentType: info.contentType,
        sha: createHash('sha256').update(data).digest('hex'),
      });
    },
  });
  const h = parsed.headers;
  assert.deepEqual(h.from, [{ address: '175037512300512@patient.mssante.fr', name: 'Martin, Camille' }]);
  assert.deepEqual(h.to, [
    { address: 'officine.750000001@pharmacie.mssante.fr', name: 'Pharmacie du Marché' },
  ]);
  assert.equal(h.subject, 'Renouvellement d’ordonnance — été');
  assert.equal(h.date, '2026-03-15T09:00:00.000Z');
  assert.equal(h.messageId, '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>');
  assert.equal(h.inReplyTo, '<0195f3a2-0000-7000-8000-000000000002@mss.officine.test>');
  assert.deepEqual(h.references, sample().references);
  assert.equal(h.nil, 'Officine MSS 0.1.0');
  assert.equal(h.mssMes, 'FIN');
  assert.equal(h.dispositionNotificationTo[0]?.name, 'Pharmacie du Marché');
  assert.equal(h.contentType, 'multipart/mixed');
  assert.equal(parsed.text, sample().text);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.deepEqual(received, [
    { filename: 'ordonnance été 2026.pdf', contentType: 'application/pdf', sha: sha(PDF) },
    { filename: 'photo.jpg', contentType: 'image/jpeg', sha: sha(PHOTO) },
  ]);
  // Without attachments: a single text/plain part, no FIN, no receipt asked.
  const plain = await parseMail(
    renderMail(sample({ attachments: [], fin: false, dispositionNotificationTo: null, references: [] })),
  );
  assert.equal(plain.headers.contentType, 'text/plain');
  assert.equal(plain.headers.mssMes, null);
  assert.deepEqual(plain.headers.dispositionNotificationTo, []);
  assert.deepEqual(plain.headers.references, []);
  assert.equal(plain.text, sample().text);
});

test("Python's email module (a strict outside reader) reads the same message", async () => {
  const wire = await bytesOf(renderMail(sample()));
  const script = `
import sys, json, email, hashlib
from email import policy
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
body = m.get_body(preferencelist=('plain',))
out = {
  'defects': [str(d) for d in m.defects] + [str(d) for p in m.walk() for d in p.defects],
  'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']),
  'message_id': str(m['message-id']), 'nil': str(m['x-mss-nil']), 'date': m['date'].datetime.isoformat(),
  'text': body.get_content(),
  'attachments': [[a.get_filename(), a.get_content_type(), hashlib.sha256(a.get_content()).hexdigest()] for a in m.iter_attachments()],
}
print(json.dumps(out))
`;
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: wire }).toString('utf8'));
  assert.deepEqual(out.defects, []);
  assert.equal(out.subject, 'Renouvellement d’ordonnance — été');
  assert.equal(out.from, '"Martin, Camille" <175037512300512@patient.mssante.fr>');
  assert.equal(out.to, 'Pharmacie du Marché <officine.750000001@pharmacie.mssante.fr>');
  assert.equal(out.message_id, '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>');
  assert.equal(out.nil, 'Officine MSS 0.1.0');
  assert.equal(out.date, '2026-03-15T09:00:00+00:00');
  assert.equal(out.text.replace(/\r\n/g, '\n').replace(/\n$/, ''), sample().text);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.deepEqual(out.attachments, [
    ['ordonnance été 2026.pdf', 'application/pdf', sha(PDF)],
    ['photo.jpg', 'image/jpeg', sha(PHOTO)],
  ]);
});
