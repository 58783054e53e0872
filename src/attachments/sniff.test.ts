import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { DEFAULT_TYPES, SUPPORTED_TYPES } from './limits.ts';
import { sniffType } from './sniff.ts';
import { iphoneStyleHeic } from './test-fixtures/heic.ts';
import { BLUE, phoneJpeg, RED } from './test-fixtures/images.ts';
import { makePdf } from './test-fixtures/pdfs.ts';

test('the type comes from magic bytes: JPEG, PNG, HEIC, PDF', async () => {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  assert.equal(await sniffType(await phoneJpeg(), DEFAULT_TYPES), 'image/jpeg');
  assert.equal(await sniffType(png, DEFAULT_TYPES), 'image/png');
  assert.equal(await sniffType(iphoneStyleHeic({ tiles: [RED, BLUE] }), DEFAULT_TYPES), 'image/heic');
  assert.equal(await sniffType(await makePdf(), DEFAULT_TYPES), 'application/pdf');
});

test('anything else is refused with ATTACHMENT_TYPE_REFUSED, whatever it is called', async () => {
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
    .gif()
    .toBuffer();
  const zip = Buffer.from('504b0304140000000000', 'hex');
  const html = Buffer.from('<!doctype html><script>alert(1)</script>');
  for (const bytes of [gif, zip, html, Buffer.alloc(0), Buffer.from('%PDX-1.7')]) {
    await assert.rejects(sniffType(bytes, SUPPORTED_TYPES), { code: 'ATTACHMENT_TYPE_REFUSED' });
  }
});

test('a supported type left out of the accepted list is refused', async () => {
  const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .avif()
    .toBuffer();
  await assert.rejects(sniffType(avif, DEFAULT_TYPES), {
    code: 'ATTACHMENT_TYPE_REFUSED',
    details: { detected: 'image/avif' },
  });
  assert.equal(await sniffType(avif, SUPPORTED_TYPES), 'image/avif');
  await assert.rejects(sniffType(await makePdf(), ['image/jpeg']), { code: 'ATTACHMENT_TYPE_REFUSED' });
});

test('polyglot: an image carrying a PDF header where PDF readers look for one is refused', async () => {
  // A valid JPEG whose comment segment (right after SOI) holds a PDF: opens as both.
  const jpeg = await phoneJpeg();
  const pdf = await makePdf();
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(2), pdf.subarray(0, 400)]);
  comment.writeUInt16BE(comment.length - 2, 2);
  const polyglot = Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2), pdf]);
  assert.equal((await sharp(polyglot).metadata()).format, 'jpeg', 'the fixture is a valid JPEG');
  await assert.rejects(sniffType(polyglot, DEFAULT_TYPES), {
    code: 'ATTACHMENT_TYPE_REFUSED',
    details: { detected: 'image/jpeg', reason: 'polyglot' },
  });
});

test('polyglot: a PDF with a JPEG header is a JPEG to us, never a PDF', async () => {
  // PDF readers accept "%PDF-" anywhere in the first 1024 bytes; we go by the leading magic.
  const disguised = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), await makePdf()]);
  await assert.rejects(sniffType(disguised, DEFAULT_TYPES), {
    code: 'ATTACHMENT_TYPE_REFUSED',
    details: { detected: 'image/jpeg', reason: 'polyglot' },
  });
  // With the header pushed past 1024 bytes it is not refused here: it goes down the image path,
  // where it does not decode (see pipeline.test.ts), and a PDF is never produced from it.
  const far = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000), await makePdf()]);
  assert.equal(await sniffType(far, DEFAULT_TYPES), 'image/jpeg');
});
