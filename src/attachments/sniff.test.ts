import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { decodeHeic } from './heic.ts';
import { type ImageType, processImage } from './image.ts';
import { DEFAULT_LIMITS, DEFAULT_TYPES, SUPPORTED_TYPES } from './limits.ts';
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

test('a photo with the right magic bytes and damaged data is a damaged photo, whatever the damage', async () => {
  const ihdr = (width: number, height: number) => {
    const chunk = Buffer.alloc(25);
    chunk.writeUInt32BE(13, 0);
    chunk.write('IHDR', 4, 'latin1');
    chunk.writeUInt32BE(width, 8);
    chunk.writeUInt32BE(height, 12);
    chunk.set([8, 2, 0, 0, 0], 16); // 8-bit RGB
    chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 21)), 21);
    return chunk;
  };
  const heads: Array<[string, Buffer]> = [
    ['PNG', Buffer.from('89504e470d0a1a0a', 'hex')],
    ['PNG with a valid IHDR', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr(64, 48)])],
    ['JPEG', Buffer.from('ffd8ff', 'hex')],
    ['HEIC', Buffer.from('00000018667479706865696300000000686569636d696631', 'hex')],
  ];
  // Random data, but no PDF header (a photo carrying one is refused as a polyglot, rightly).
  const tail = fc
    .uint8Array({ minLength: 0, maxLength: 600 })
    .filter((t) => !Buffer.from(t).includes('%PDF-'));
  for (const [name, head] of heads) {
    await fc
      .assert(
        fc.asyncProperty(tail, async (data) => {
          const bytes = Buffer.concat([head, data]);
          const type = await sniffType(bytes, DEFAULT_TYPES);
          await assert.rejects(processImage(bytes, type as ImageType, DEFAULT_LIMITS, decodeHeic), {
            code: 'ATTACHMENT_IMAGE_INVALID',
          });
        }),
        { numRuns: 60, examples: [[new Uint8Array(0)]] },
      )
      .catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
  }
});
