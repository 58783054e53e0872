import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { ProcessedAttachment } from './attachment.ts';
import { createFileBlobStore } from './blob-store.ts';
import { attachmentLimits, SUPPORTED_TYPES } from './limits.ts';
import { processAttachment } from './pipeline.ts';
import { iphoneStyleHeic } from './test-fixtures/heic.ts';
import {
  BLUE,
  EXIF_TAG,
  exifIfd0Tags,
  phoneExifBlock,
  phoneJpeg,
  prescriptionPhoto,
  RED,
} from './test-fixtures/images.ts';
import { makePdf } from './test-fixtures/pdfs.ts';
import { receiveUpload } from './upload.ts';
import { createAttachmentWorkers } from './worker-pool.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-pipeline-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const blobsRoot = path.join(root, 'blobs');
const blobs = createFileBlobStore({ root: blobsRoot, key: Buffer.alloc(32, 3) });
const limits = attachmentLimits();
const workers = createAttachmentWorkers({ threads: 2 });
after(() => workers.close());

/** Upload bytes as the HTTP layer will: streamed to a temp file, then processed. */
async function send(bytes: Buffer, name: string, options = { limits }): Promise<ProcessedAttachment> {
  const upload = await receiveUpload(Readable.from([bytes]), {
    tmpDir: path.join(root, 'tmp'),
    maxBytes: options.limits.maxFileBytes,
  });
  try {
    return await processAttachment(upload, name, { blobs, limits: options.limits, workers });
  } finally {
    await upload.discard();
  }
}

test('a photo carrying GPS EXIF is stored oriented, re-encoded, with no EXIF; its thumbnail too', async () => {
  const input = await phoneJpeg();
  const out = await send(input, 'IMG_0042.JPG');
  assert.equal(out.kind, 'image');
  assert.equal(out.mediaType, 'image/jpeg');
  assert.equal(out.sourceType, 'image/jpeg');
  assert.equal(out.sourceSize, input.length);
  assert.equal(out.fileName, 'IMG_0042.JPG');
  assert.deepEqual([out.width, out.height, out.pages], [40, 60, null]);
  assert.notEqual(out.blob.sha256, out.sourceSha256, 'the stored bytes are not the uploaded ones');
  const stored = await blobs.get(out.blob.sha256);
  const meta = await sharp(stored).metadata();
  assert.deepEqual([meta.format, meta.exif, meta.width, meta.height], ['jpeg', undefined, 40, 60]);
  assert.ok(out.thumbnail);
  assert.equal((await sharp(await blobs.get(out.thumbnail.sha256)).metadata()).exif, undefined);
  assert.deepEqual(out.flags, []);
  assert.deepEqual(out.prescriptionNumbers, []);
});

test('an iPhone HEIC photo is stored as a stripped, upright JPEG named .jpg', async () => {
  const exif = await phoneExifBlock();
  assert.ok(exifIfd0Tags(exif).has(EXIF_TAG.GPSInfo));
  const out = await send(iphoneStyleHeic({ tiles: [RED, BLUE], rotation: 1, exif }), 'IMG_0001.HEIC');
  assert.equal(out.sourceType, 'image/heic');
  assert.equal(out.mediaType, 'image/jpeg');
  assert.equal(out.fileName, 'IMG_0001.jpg');
  assert.deepEqual([out.width, out.height], [16, 32]);
  const meta = await sharp(await blobs.get(out.blob.sha256)).metadata();
  assert.deepEqual([meta.format, meta.exif], ['jpeg', undefined]);
});

test('a photographed e-prescription yields its number from the QR code', async () => {
  const out = await send(await prescriptionPhoto('7PRX2026ABCD'), 'ordonnance.jpg');
  assert.deepEqual(out.prescriptionNumbers, ['7PRX2026ABCD']);
});

test('a PDF e-prescription: stored byte for byte, QR number read from its rendered page', async () => {
  const pdf = await makePdf({ qr: 'EP2026X4K9Q1' });
  const out = await send(pdf, 'ordonnance.pdf');
  assert.equal(out.kind, 'pdf');
  assert.equal(out.mediaType, 'application/pdf');
  assert.equal(out.blob.sha256, out.sourceSha256);
  assert.deepEqual(await blobs.get(out.blob.sha256), pdf);
  assert.deepEqual(out.prescriptionNumbers, ['EP2026X4K9Q1']);
  assert.equal(out.pages, 1);
  assert.ok(out.thumbnail, 'a thumbnail of the first page');
  assert.equal((await sharp(await blobs.get(out.thumbnail.sha256)).metadata()).format, 'jpeg');
});

test('a PDF with JavaScript goes through, flagged for the pharmacy', async () => {
  const out = await send(await makePdf({ javascript: true }), 'ordonnance.pdf');
  assert.deepEqual(out.flags, ['PDF_JAVASCRIPT']);
});

test('a file named ../../x.pdf is stored as x.pdf', async () => {
  const out = await send(await makePdf(), '../../x.pdf');
  assert.equal(out.fileName, 'x.pdf');
});

test('the type comes from the bytes, not the name: a PDF named photo.jpg is a PDF named photo.pdf', async () => {
  const out = await send(await makePdf(), 'photo.jpg');
  assert.deepEqual([out.kind, out.mediaType, out.fileName], ['pdf', 'application/pdf', 'photo.pdf']);
});

test('polyglot: a JPEG with a PDF appended is stored as a clean JPEG, named .jpg, without the PDF', async () => {
  const pdf = await makePdf({ javascript: true });
  const polyglot = Buffer.concat([await phoneJpeg(), pdf]);
  const out = await send(polyglot, 'ordonnance.pdf');
  assert.deepEqual([out.kind, out.mediaType, out.fileName], ['image', 'image/jpeg', 'ordonnance.jpg']);
  const stored = await blobs.get(out.blob.sha256);
  assert.equal(stored.includes(Buffer.from('%PDF')), false);
  assert.equal(stored.includes(pdf.subarray(-200)), false);
  assert.deepEqual(out.flags, [], 'the PDF part was never processed as a PDF');
});

test('polyglot: a PDF behind a JPEG header is refused, it never becomes a PDF', async () => {
  const disguised = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), await makePdf()]);
  await assert.rejects(send(disguised, 'ordonnance.pdf'), { code: 'ATTACHMENT_TYPE_REFUSED' });
  const far = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000), await makePdf()]);
  await assert.rejects(send(far, 'ordonnance.pdf'), { code: 'ATTACHMENT_IMAGE_INVALID' });
});

test('refused files store nothing', async () => {
  const before = listBlobs();
  await assert.rejects(send(Buffer.from('<html><script>alert(1)</script></html>'), 'page.pdf'), {
    code: 'ATTACHMENT_TYPE_REFUSED',
  });
  await assert.rejects(
    send(await makePdf({ pages: 2 }), 'x.pdf', { limits: { ...limits, maxPdfPages: 1 } }),
    {
      code: 'ATTACHMENT_PDF_TOO_MANY_PAGES',
    },
  );
  assert.deepEqual(listBlobs(), before);
});

test('ATTACHMENT_TYPES narrows what is accepted; AVIF can be switched on', async () => {
  const pdfOnly = attachmentLimits({ acceptedTypes: ['application/pdf'] });
  await assert.rejects(send(await phoneJpeg(), 'a.jpg', { limits: pdfOnly }), {
    code: 'ATTACHMENT_TYPE_REFUSED',
  });
  const avif = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#0a0' } })
    .avif()
    .toBuffer();
  await assert.rejects(send(avif, 'a.avif'), { code: 'ATTACHMENT_TYPE_REFUSED' });
  const out = await send(avif, 'a.avif', {
    limits: attachmentLimits({ acceptedTypes: [...SUPPORTED_TYPES] }),
  });
  assert.deepEqual([out.sourceType, out.fileName], ['image/avif', 'a.jpg']);
});

function listBlobs(): string[] {
  if (!fs.existsSync(blobsRoot)) return [];
  return fs
    .readdirSync(blobsRoot, { recursive: true, encoding: 'utf8' })
    .filter((f) => /[0-9a-f]{64}$/.test(f))
    .sort();
}
