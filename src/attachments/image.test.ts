import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeHeic } from './heic.ts';
import { processImage } from './image.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { iphoneStyleHeic } from './test-fixtures/heic.ts';
import {
  BLUE,
  EXIF_TAG,
  exifIfd0Tags,
  halves,
  phoneExifBlock,
  phoneJpeg,
  pixelFloodPng,
  RED,
} from './test-fixtures/images.ts';

const L = DEFAULT_LIMITS;

/** RGB of the pixel at (x, y) of an encoded image. */
async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

function near(actual: number[], expected: readonly number[], tolerance = 40): boolean {
  return actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) <= tolerance);
}

test('a phone JPEG loses its EXIF (GPS, device, orientation) and comes out auto-oriented', async () => {
  const input = await phoneJpeg();
  const before = await sharp(input).metadata();
  assert.equal(before.orientation, 6, 'the fixture carries orientation 6');
  assert.ok(before.exif && exifIfd0Tags(before.exif).has(EXIF_TAG.GPSInfo), 'the fixture carries a GPS IFD');
  assert.ok(input.includes(Buffer.from('iPhone 15 Pro')));

  const out = await processImage(input, 'image/jpeg', L, decodeHeic);
  const after = await sharp(out.jpeg).metadata();
  assert.equal(after.format, 'jpeg');
  assert.equal(after.exif, undefined, 'no EXIF at all, so no GPS');
  assert.equal(after.xmp, undefined);
  assert.equal(after.icc, undefined);
  assert.equal(after.iptc, undefined);
  assert.equal(after.orientation, undefined);
  assert.equal(out.jpeg.includes(Buffer.from('iPhone')), false);
  assert.equal(out.jpeg.includes(Buffer.from('Exif\0\0')), false);
  // Stored 60×40 with red left; orientation 6 = turn 90° clockwise: 40×60, red on top.
  assert.deepEqual([out.width, out.height, after.width, after.height], [40, 60, 40, 60]);
  assert.ok(near(await pixel(out.jpeg, 20, 5), RED), 'red on top');
  assert.ok(near(await pixel(out.jpeg, 20, 55), BLUE), 'blue below');

  const thumb = await sharp(out.thumbnail).metadata();
  assert.equal(thumb.format, 'jpeg');
  assert.equal(thumb.exif, undefined);
  assert.ok(Math.max(thumb.width ?? 0, thumb.height ?? 0) <= L.thumbnailEdge);
  assert.deepEqual([out.scan.width, out.scan.height, out.scan.data.length], [40, 60, 40 * 60 * 4]);
});

test('XMP (with its own GPS) and a Display P3 ICC profile are dropped; pixels converted to sRGB', async () => {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.494N"/></rdf:RDF></x:xmpmeta>`;
  const input = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#3c9' } })
    .withIccProfile('p3')
    .withXmp(xmp)
    .jpeg()
    .toBuffer();
  const before = await sharp(input).metadata();
  assert.ok(before.icc && before.xmp, 'the fixture carries an ICC profile and XMP');
  const out = await processImage(input, 'image/jpeg', L, decodeHeic);
  const after = await sharp(out.jpeg).metadata();
  assert.equal(after.xmp, undefined);
  assert.equal(after.icc, undefined);
  assert.equal(after.space, 'srgb');
  assert.equal(out.jpeg.includes(Buffer.from('GPSLatitude')), false);
});

test('large photos are scaled to the stored edge and the thumbnail to its own', async () => {
  const big = await sharp(halves(3000, 2000), { raw: { width: 3000, height: 2000, channels: 3 } })
    .jpeg()
    .toBuffer();
  const out = await processImage(big, 'image/jpeg', { ...L, maxStoredImageEdge: 1000 }, decodeHeic);
  assert.deepEqual([out.width, out.height], [1000, 667]);
  const thumb = await sharp(out.thumbnail).metadata();
  assert.deepEqual([thumb.width, thumb.height], [320, 213]);
});

test('a PNG with transparency becomes a JPEG on white', async () => {
  const png = await sharp({
    create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .png()
    .toBuffer();
  const out = await processImage(png, 'image/png', L, decodeHeic);
  assert.equal((await sharp(out.jpeg).metadata()).format, 'jpeg');
  assert.ok(near(await pixel(out.jpeg, 10, 10), [255, 255, 255], 3));
});

test('a pixel flood (a tiny PNG declaring 100,000 × 100,000) is refused from its header', async () => {
  const flood = pixelFloodPng(100_000, 100_000);
  assert.ok(flood.length < 1000, `${flood.length} bytes`);
  // The details come from the header check (a refusal by the decoder would say reason: 'decoder').
  await assert.rejects(processImage(flood, 'image/png', L, decodeHeic), {
    code: 'ATTACHMENT_PIXEL_FLOOD',
    details: { width: 100_000, height: 100_000, maxPixels: L.maxImagePixels },
  });
  // Just under the limit is not a flood (it fails later, as its pixel data is missing).
  await assert.rejects(processImage(pixelFloodPng(5000, 5000), 'image/png', L, decodeHeic), {
    code: 'ATTACHMENT_IMAGE_INVALID',
  });
});

test('an unreadable or mislabelled image is ATTACHMENT_IMAGE_INVALID', async () => {
  const jpeg = await phoneJpeg();
  await assert.rejects(processImage(jpeg.subarray(0, 300), 'image/jpeg', L, decodeHeic), {
    code: 'ATTACHMENT_IMAGE_INVALID',
  });
  await assert.rejects(processImage(jpeg, 'image/png', L, decodeHeic), { code: 'ATTACHMENT_IMAGE_INVALID' });
  await assert.rejects(processImage(Buffer.from('not an image'), 'image/jpeg', L, decodeHeic), {
    code: 'ATTACHMENT_IMAGE_INVALID',
  });
});

test('iPhone-style HEIC (HEVC tiles in a grid, irot, Exif with GPS) is decoded, oriented and stripped', async () => {
  const heic = iphoneStyleHeic({ tiles: [RED, BLUE], rotation: 1, exif: await phoneExifBlock() });
  const header = await sharp(heic).metadata();
  assert.equal(header.compression, 'hevc', 'the fixture is HEVC-coded');
  assert.ok(header.exif && exifIfd0Tags(header.exif).has(EXIF_TAG.GPSInfo), 'and carries GPS');
  await assert.rejects(sharp(heic).raw().toBuffer(), /HEVC|libde265/, 'sharp alone cannot decode it');

  const out = await processImage(heic, 'image/heic', L, decodeHeic);
  const meta = await sharp(out.jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.exif, undefined);
  assert.equal(out.jpeg.includes(Buffer.from('iPhone')), false);
  // Grid 32×16, red tile left; irot = a quarter turn anti-clockwise: 16×32, blue on top. The
  // Exif orientation (6) is not applied on top of it.
  assert.deepEqual([out.width, out.height], [16, 32]);
  assert.ok(near(await pixel(out.jpeg, 8, 4), BLUE), 'blue on top');
  assert.ok(near(await pixel(out.jpeg, 8, 28), RED), 'red below');
  assert.ok((await sharp(out.thumbnail).metadata()).format === 'jpeg');
});

test('a HEIC whose grid declares a pixel flood is refused before any tile is decoded', async () => {
  const heic = iphoneStyleHeic({ tiles: [RED, BLUE] });
  await assert.rejects(processImage(heic, 'image/heic', { ...L, maxImagePixels: 500 }, decodeHeic), {
    code: 'ATTACHMENT_PIXEL_FLOOD',
    details: { width: 32, height: 16, maxPixels: 500 },
  });
});

test('HEIF with AV1 inside (AVIF) is decoded by sharp, EXIF stripped', async () => {
  const avif = await sharp(halves(60, 40), { raw: { width: 60, height: 40, channels: 3 } })
    .withExif({ IFD0: { Make: 'Samsung', Model: 'Galaxy' } })
    .avif()
    .toBuffer();
  assert.equal((await sharp(avif).metadata()).compression, 'av1');
  const out = await processImage(avif, 'image/avif', L, decodeHeic);
  assert.equal((await sharp(out.jpeg).metadata()).exif, undefined);
  assert.deepEqual([out.width, out.height], [60, 40]);
  assert.ok(near(await pixel(out.jpeg, 5, 20), RED));
});
