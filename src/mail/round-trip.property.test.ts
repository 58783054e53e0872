import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { it } from 'node:test';
import fc from 'fast-check';
import { parseMail } from './parse.ts';
import { renderedSize, renderMail } from './render.ts';

/**
 * Render → parse gives back what was rendered, for generated subjects, names, texts, file names
 * and bytes: accents, emoji, quotes, `=?`, long lines, what the encoders must escape. The values
 * are generated in the form the reader gives back: one line, trimmed (headers); LF line endings,
 * no control character but tab, no trailing line break (text).
 */
const oneLine = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 90 })
  .map((s) => s.replace(/\p{Cc}+/gu, ' ').trim())
  .filter((s) => s.length > 0);
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 120 }),
      fc.constantFrom('=?utf-8?q?x?=', '--_NmP-', 'From x', '.', ' ', '=', 'a'.repeat(1200)),
    ),
    { maxLength: 8 },
  )
  .map((lines) =>
    lines
      .join('\n')
      .replace(/(?![\t\n])\p{Cc}/gu, '')
      .replace(/\n+$/, ''),
  );
const fileName = oneLine.map((s) => `${s.slice(0, 60)}.pdf`);
const file = fc.record({ name: fileName, bytes: fc.uint8Array({ maxLength: 3000 }) });

it('render → parse round-trips subjects, names, texts, file names and bytes; sizes are exact', async () => {
  await fc.assert(
    fc.asyncProperty(
      oneLine,
      oneLine,
      text,
      fc.array(file, { maxLength: 3 }),
      async (subject, name, body, files) => {
        const input = {
          from: { address: '175037512300512@patient.mssante.fr', name },
          to: [{ address: 'officine.750000001@pharmacie.mssante.fr', name: 'Pharmacie du Marché' }],
          subject,
          date: '2026-03-15T09:00:00.000Z',
          messageId: '<0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00@mss.officine.test>',
          text: body,
          nil: 'Officine MSS',
          attachments: files.map((f) => ({
            filename: f.name,
            contentType: 'application/pdf',
            size: f.bytes.length,
            open: () => Readable.from([Buffer.from(f.bytes)]),
          })),
        };
        const wire = await buffer(renderMail(input));
        assert.equal(await renderedSize(input), wire.length);
        const got: Array<[string | null, string]> = [];
        const parsed = await parseMail(Readable.from([wire]), {
          onAttachment: async (info, content) => {
            got.push([
              info.filename,
              createHash('sha256')
                .update(await buffer(content))
                .digest('hex'),
            ]);
          },
        });
        assert.equal(parsed.headers.subject, subject);
        assert.equal(parsed.headers.from[0]?.name, name);
        assert.equal(parsed.text, body);
        assert.deepEqual(
          got,
          files.map((f) => [f.name, createHash('sha256').update(f.bytes).digest('hex')]),
        );
      },
    ),
    { numRuns: 60 },
  );
});
