import fs from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

/** Tests only: pictures generated on the fly (no binary fixture is committed). */

export const RED: [number, number, number] = [220, 30, 30];
export const BLUE: [number, number, number] = [30, 30, 220];

/** The EXIF a phone writes: device, GPS position (Paris), orientation. */
export const PHONE_EXIF = {
  IFD0: { Make: 'Apple', Model: 'iPhone 15 Pro', Software: '17.5' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '48/1 51/1 2964/100',
    GPSLongitudeRef: 'E',
    GPSLongitude: '2/1 17/1 4020/100',
  },
};

/** Width×height raw RGB: left half `left`, right half `right`. */
export function halves(width: number, height: number, left = RED, right = BLUE): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  return raw;
}

/**
 * A phone photo: 60×40, red left / blue right as stored, EXIF orientation 6 (display rotated
 * 90° clockwise: red on top, blue below, 40×60), GPS and device tags.
 */
export async function phoneJpeg(): Promise<Buffer> {
  return sharp(halves(60, 40), { raw: { width: 60, height: 40, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .withExif(PHONE_EXIF)
    .toBuffer();
}

/** An Exif block ("Exif\0\0" + TIFF) with GPS, device and orientation 6, for HEIC fixtures. */
export async function phoneExifBlock(): Promise<Buffer> {
  const jpeg = await phoneJpeg();
  const { exif } = await sharp(jpeg).metadata();
  if (!exif) throw new Error('sharp wrote no EXIF');
  return exif;
}

/** Tags of IFD0 of an Exif block ("Exif\0\0" + TIFF): tag → value/offset, to find GPS (0x8825). */
export function exifIfd0Tags(exif: Buffer): Map<number, number> {
  const tiff = exif.subarray(exif.subarray(0, 4).toString('latin1') === 'Exif' ? 6 : 0);
  const little = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  const tags = new Map<number, number>();
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + 12 * i;
    tags.set(u16(entry), u16(entry + 2) === 3 ? u16(entry + 8) : u32(entry + 8));
  }
  return tags;
}

export const EXIF_TAG = { Orientation: 0x0112, GPSInfo: 0x8825, Make: 0x010f } as const;

/** A PNG of a few hundred bytes whose header declares `width`×`height` pixels. */
export function pixelFloodPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let writerReady: Promise<unknown> | null = null;

/** A QR code as PNG, from zxing-wasm's writer (its wasm read from node_modules, no network). */
export async function qrPng(text: string, scale = 6): Promise<Buffer> {
  writerReady ??= (async () => {
    const file = createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm');
    const wasm = fs.readFileSync(file);
    return prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
      fireImmediately: true,
    });
  })();
  await writerReady;
  const result = await writeBarcode(text, { format: 'QRCode', scale, withQuietZones: true });
  if (!result.image) throw new Error(`zxing could not write a QR code: ${result.error}`);
  return Buffer.from(await result.image.arrayBuffer());
}

/** A photo of a paper prescription: a grey page with the QR code in a corner, as JPEG. */
export async function prescriptionPhoto(number: string): Promise<Buffer> {
  const qr = await qrPng(number);
  return sharp({ create: { width: 900, height: 1200, channels: 3, background: '#e8e4dc' } })
    .composite([{ input: qr, left: 620, top: 880 }])
    .jpeg({ quality: 90 })
    .withExif(PHONE_EXIF)
    .toBuffer();
}
