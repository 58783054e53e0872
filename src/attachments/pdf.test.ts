import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { rgbaThumbnail } from './image.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { processPdf } from './pdf.ts';
import { scanActiveContent } from './pdf-active-content.ts';
import { decodePdfStreams } from './pdf-streams.ts';
import { assemblePdf, encryptedPdf, makePdf, obfuscatedJavaScriptPdf } from './test-fixtures/pdfs.ts';

const L = DEFAULT_LIMITS;
const scan = async (pdf: Buffer) => scanActiveContent(pdf, (await decodePdfStreams(pdf, L)).objectStreams);

test('a plain PDF: pages counted, no flag, first page rendered (it makes a JPEG thumbnail)', async () => {
  const out = await processPdf(await makePdf({ pages: 3 }), L);
  assert.equal(out.pages, 3);
  assert.deepEqual(out.flags, []);
  assert.ok(out.scans[0]);
  const thumbnail = await rgbaThumbnail(out.scans[0], L);
  const thumb = await sharp(thumbnail).metadata();
  assert.equal(thumb.format, 'jpeg');
  assert.equal(Math.max(thumb.width ?? 0, thumb.height ?? 0), L.thumbnailEdge);
  assert.ok((thumb.height ?? 0) > (thumb.width ?? 0), 'portrait A4');
  // The text drawn on the page shows up as dark pixels: the page really was rendered.
  const { data } = await sharp(thumbnail).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.ok(Math.min(...data) < 100, 'some ink');
  assert.equal(out.scans.length, L.qrScanPdfPages, 'the first pages are rendered for the QR scan');
  assert.equal(Math.max(out.scans[0]?.width ?? 0, out.scans[0]?.height ?? 0), L.qrScanEdge);
});

test('a PDF with JavaScript is flagged, not refused', async () => {
  const out = await processPdf(await makePdf({ javascript: true }), L);
  assert.deepEqual(out.flags, ['PDF_JAVASCRIPT']);
  assert.equal(out.pages, 1);
});

test('Launch actions, embedded files and form submissions are flagged', async () => {
  assert.deepEqual((await processPdf(await makePdf({ launch: true }), L)).flags, ['PDF_LAUNCH_ACTION']);
  assert.deepEqual((await processPdf(await makePdf({ embeddedFile: true }), L)).flags, [
    'PDF_EMBEDDED_FILES',
  ]);
  assert.deepEqual((await processPdf(await makePdf({ submitForm: true }), L)).flags, ['PDF_FORM_ACTIONS']);
  const all = await makePdf({ javascript: true, launch: true, embeddedFile: true, submitForm: true });
  assert.deepEqual((await processPdf(all, L)).flags, [
    'PDF_JAVASCRIPT',
    'PDF_LAUNCH_ACTION',
    'PDF_EMBEDDED_FILES',
    'PDF_FORM_ACTIONS',
  ]);
});

test('the name scan reads compressed object streams and hex-escaped names', async () => {
  const launch = await makePdf({ launch: true });
  assert.equal(
    launch.includes(Buffer.from('/Launch')),
    false,
    'pdf-lib hid it in a compressed object stream',
  );
  assert.deepEqual(await scan(launch), ['PDF_LAUNCH_ACTION']);
  const obfuscated = obfuscatedJavaScriptPdf();
  assert.equal(obfuscated.includes(Buffer.from('/JavaScript')), false);
  assert.deepEqual(await scan(obfuscated), ['PDF_JAVASCRIPT']);
  assert.deepEqual((await processPdf(obfuscated, L)).flags, ['PDF_JAVASCRIPT']);
  assert.deepEqual(await scan(await makePdf({ pages: 2 })), []);
});

test('encrypted PDFs are refused, whether they need a password or not', async () => {
  await assert.rejects(processPdf(encryptedPdf({ userPassword: true }), L), {
    code: 'ATTACHMENT_PDF_ENCRYPTED',
  });
  // Opens without a password (owner password only), but is encrypted all the same.
  await assert.rejects(processPdf(encryptedPdf({ userPassword: false }), L), {
    code: 'ATTACHMENT_PDF_ENCRYPTED',
  });
});

test('more pages than the cap is refused', async () => {
  const pdf = await makePdf({ pages: L.maxPdfPages + 1 });
  await assert.rejects(processPdf(pdf, L), {
    code: 'ATTACHMENT_PDF_TOO_MANY_PAGES',
    details: { pages: L.maxPdfPages + 1, maxPages: L.maxPdfPages },
  });
  assert.equal((await processPdf(await makePdf({ pages: 4 }), { ...L, maxPdfPages: 4 })).pages, 4);
});

test('an unparseable PDF is ATTACHMENT_PDF_INVALID', async () => {
  await assert.rejects(processPdf(Buffer.from('%PDF-1.7\nnot really a PDF\n%%EOF\n'), L), {
    code: 'ATTACHMENT_PDF_INVALID',
  });
  const noPages = assemblePdf(
    ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'],
    '',
  );
  await assert.rejects(processPdf(noPages, L), { code: 'ATTACHMENT_PDF_INVALID' });
  const pdf = await makePdf();
  await assert.rejects(processPdf(pdf.subarray(0, pdf.length / 3), L), { code: 'ATTACHMENT_PDF_INVALID' });
});

test('pdf.js is given a copy: the caller’s bytes stay usable (they are what gets stored)', async () => {
  const pdf = await makePdf();
  const copy = Buffer.from(pdf);
  await processPdf(pdf, L);
  assert.deepEqual(pdf, copy);
});
