import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import type { RgbaImage } from './image.ts';
import { prescriptionNumberFrom, scanPrescriptionNumbers } from './qr.ts';
import { prescriptionPhoto, qrPng } from './test-fixtures/images.ts';

async function rgba(image: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
}

test('the e-prescription number is read from a QR code in a photo, without any network', async (t) => {
  // zxing-wasm fetches its wasm from a CDN unless given the binary: make any fetch fail loudly.
  const fetched: string[] = [];
  t.mock.method(globalThis, 'fetch', async (input: unknown) => {
    fetched.push(String(input));
    throw new Error('no network in tests');
  });
  const photo = await prescriptionPhoto('2X7KQ9PM4RT8');
  assert.deepEqual(await scanPrescriptionNumbers([await rgba(photo)]), ['2X7KQ9PM4RT8']);
  assert.deepEqual(fetched, []);
});

test('numbers are upper-cased, deduplicated, and found across several pictures', async () => {
  const a = await rgba(await qrPng('ab12cd34ef'));
  const b = await rgba(await qrPng('ZZ99YY88XX77'));
  assert.deepEqual(await scanPrescriptionNumbers([a, b, a]), ['AB12CD34EF', 'ZZ99YY88XX77']);
});

test('QR codes that do not hold a prescription-shaped token are ignored', async () => {
  const url = await rgba(await qrPng('https://example.org/ordonnance?id=123'));
  const identity = await rgba(await qrPng('INS:175037512300512;NOM:DUPONT;PRENOM:JEANNE'));
  const blank = await rgba(
    await sharp({ create: { width: 200, height: 200, channels: 3, background: '#fff' } })
      .png()
      .toBuffer(),
  );
  assert.deepEqual(await scanPrescriptionNumbers([url, identity, blank]), []);
  assert.equal(prescriptionNumberFrom('  ab12cd34  '), 'AB12CD34');
  assert.equal(prescriptionNumberFrom('AB12'), null, 'too short');
  assert.equal(prescriptionNumberFrom('AB12-CD34'), null);
  assert.equal(prescriptionNumberFrom('A'.repeat(65)), null, 'too long');
});
