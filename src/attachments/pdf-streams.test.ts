import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { type AttachmentLimits, DEFAULT_LIMITS } from './limits.ts';
import { processPdf } from './pdf.ts';
import { decodePdfStreams } from './pdf-streams.ts';
import {
  fillFloodPdf,
  inflateBombPdf,
  lzwBomb,
  manyContentStreamsPdf,
  nestedFormsPdf,
  onePagePdf,
  runLengthBomb,
  zeroBomb,
} from './test-fixtures/hostile-pdfs.ts';
import { assemblePdf, heavyPdf, makePdf } from './test-fixtures/pdfs.ts';

const L = DEFAULT_LIMITS;
const MiB = 1024 * 1024;
/** Caps low enough that small bombs go over them. */
const small: AttachmentLimits = { ...L, maxPdfStreamBytes: MiB, maxPdfDecodedBytes: 4 * MiB };

/** ATTACHMENT_PDF_TOO_COMPLEX for this reason (other details: the cap that was hit). */
const tooComplex =
  (reason: string) =>
  (error: { code?: string; details?: { reason?: string } }): boolean =>
    error.code === 'ATTACHMENT_PDF_TOO_COMPLEX' && error.details?.reason === reason;

test('a 2 MB PDF whose page inflates to 2 GiB is refused before pdf.js sees it', async () => {
  const pdf = inflateBombPdf(2 * 1024 * MiB);
  assert.ok(pdf.length < 3 * MiB, `${pdf.length} bytes`);
  await assert.rejects(processPdf(pdf, L), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    message: 'Ce PDF est trop complexe pour être lu : envoyez plutôt une photo du document.',
    details: { reason: 'inflate', maxStreamBytes: L.maxPdfStreamBytes },
  });
});

test('every filter pdf.js decodes is decoded with a cap: Flate, LZW, RunLength, ASCII85, Brotli, chains', async () => {
  const bombs: Array<[string, Buffer, string]> = [
    ['Flate', zeroBomb(2 * MiB), '/Filter /FlateDecode'],
    ['Flate, abbreviated', zeroBomb(2 * MiB), '/Filter /Fl'],
    // Corrupt after 2 MiB: what came out before the corruption counts, as in pdf.js.
    [
      'Flate, corrupt',
      Buffer.concat([zeroBomb(2 * MiB).subarray(0, -6), Buffer.alloc(8, 0xff)]),
      '/Filter /Fl',
    ],
    ['LZW', lzwBomb(1), '/Filter /LZWDecode'],
    ['RunLength', runLengthBomb(2 * MiB), '/Filter /RunLengthDecode'],
    ['ASCII85', Buffer.from(`${'z'.repeat(600_000)}~>`), '/Filter /ASCII85Decode'],
    ['Brotli', zlib.brotliCompressSync(Buffer.alloc(2 * MiB)), '/Filter /BrotliDecode'],
    ['ASCIIHex then Flate', Buffer.from(`${zeroBomb(2 * MiB).toString('hex')}>`), '/Filter [/AHx /Fl]'],
    ['hex-escaped name', zeroBomb(2 * MiB), '/Filter /Fl#61teDecode'],
  ];
  for (const [name, data, filter] of bombs) {
    await assert.rejects(decodePdfStreams(onePagePdf(data, filter), small), tooComplex('inflate'), name);
  }
  // Under the caps, the same filters pass.
  const fine = zlib.deflateSync(Buffer.from('0 0 1 1 re f\n'.repeat(1000)));
  await decodePdfStreams(onePagePdf(fine, '/Filter /FlateDecode'), small);
  await decodePdfStreams(onePagePdf(Buffer.from(`${fine.toString('hex')}>`), '/Filter [/AHx /Fl]'), small);
});

test('a lying /Length or a stray endstream inside the data hides no byte pdf.js would inflate', async () => {
  const bomb = zeroBomb(2 * MiB);
  // A stored (uncompressed) deflate block holding "endstream", then the bomb's blocks.
  const decoy = Buffer.from('\nendstream\n');
  const stored = Buffer.concat([Buffer.from([0x00, decoy.length, 0x00, ~decoy.length & 0xff, 0xff]), decoy]);
  const data = Buffer.concat([bomb.subarray(0, 2), stored, bomb.subarray(2)]);
  for (const length of [10, data.length, 0]) {
    const pdf = assemblePdf(
      [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
        `<< /Length ${length} /Filter /FlateDecode >>\nstream\n${data.toString('latin1')}\nendstream`,
      ],
      '',
    );
    await assert.rejects(decodePdfStreams(pdf, small), tooComplex('inflate'), `/Length ${length}`);
  }
});

test('the caps hold for a whole file: many streams each under the cap, object streams', async () => {
  const pdf = manyContentStreamsPdf(6, 70_000); // ~0.9 MiB each, 5.4 MiB in all
  await assert.rejects(decodePdfStreams(pdf, { ...small, maxPdfPageOperators: 1e9, maxPdfOperators: 1e9 }), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    details: { reason: 'inflate', maxDecodedBytes: small.maxPdfDecodedBytes },
  });
  const objectStream = `<< /Type /ObjStm /N 1 /First 4 /Length 0 /Filter /FlateDecode >>\nstream\n${zeroBomb(2 * MiB).toString('latin1')}\nendstream`;
  await assert.rejects(
    decodePdfStreams(onePagePdf(Buffer.from('0 0 m'), '', [objectStream]), small),
    tooComplex('inflate'),
  );
});

test('a filter given by reference, which the caps cannot follow, is refused', async () => {
  const pdf = onePagePdf(zeroBomb(MiB), '/Filter 5 0 R', ['/FlateDecode']);
  await assert.rejects(decodePdfStreams(pdf, L), tooComplex('filter'));
});

test('a page of a million fills is refused by counting its operators, before anything is drawn', async () => {
  const pdf = fillFloodPdf(1_000_000);
  await assert.rejects(processPdf(pdf, L), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    details: { reason: 'operators', maxPageOperators: L.maxPdfPageOperators },
  });
  // Spread over many content streams of one page, and over the file.
  await assert.rejects(decodePdfStreams(manyContentStreamsPdf(12, 100_000), L), tooComplex('operators'));
  // Corrupt after the fills (an invalid block type): what came out before counts, as in pdf.js.
  const fills = zlib.deflateRawSync(Buffer.from('0 0 1 1 re f\n'.repeat(300_000)), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
  const corrupt = Buffer.concat([Buffer.from([0x78, 0x9c]), fills, Buffer.from([0xff, 0xff])]);
  await assert.rejects(
    decodePdfStreams(onePagePdf(corrupt, '/Filter /FlateDecode'), L),
    tooComplex('operators'),
  );
  const withinBudget = fillFloodPdf(1000);
  assert.equal((await processPdf(withinBudget, L)).pages, 1);
});

test('a page drawing forms within forms is stopped once its operator list is over the cap', async () => {
  // 10,000 fills through four levels of forms: each content stream holds ten operators at most.
  const pdf = nestedFormsPdf(4, 10);
  await decodePdfStreams(pdf, L);
  await assert.rejects(processPdf(pdf, { ...L, maxPdfPageOperators: 5000 }), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    details: { reason: 'operators', maxPageOperators: 5000 },
  });
  assert.equal((await processPdf(nestedFormsPdf(1, 10), { ...L, maxPdfPageOperators: 5000 })).pages, 1);
});

test('ordinary PDFs are within every cap', async () => {
  for (const pdf of [
    await makePdf({ pages: 3, qr: 'AB12CD34EF', embeddedFile: true, javascript: true }),
    await heavyPdf({ pages: 50, strokesPerPage: 1500 }),
  ]) {
    await decodePdfStreams(pdf, L);
  }
});
