import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../domain-error.ts';
import { attachmentError } from './errors.ts';
import { type AttachmentLimits, checkPixels, type SupportedType } from './limits.ts';

/**
 * Photos (design note §3.4): the pixel count is read from the header and checked before any
 * decoding; the picture is then decoded, auto-oriented, stripped of every piece of metadata and
 * re-encoded as a fresh JPEG, with a JPEG thumbnail. Only the re-encoded bytes are kept.
 *
 * - Metadata: sharp writes none unless asked (no `withMetadata`/`keepExif`/`keepIccProfile`
 *   here): EXIF (GPS, device, EXIF thumbnail), XMP, IPTC and comments are dropped, and pixels
 *   are converted to sRGB, whose profile is then not embedded.
 * - HEIC/HEIF: sharp's prebuilt libvips reads HEIF headers and AV1 (AVIF) pictures, but cannot
 *   decode HEVC, which iPhones use: those are decoded by the `decodeHeic` given (heic-decode, in a
 *   worker thread: src/attachments/heic.ts), which applies the container's rotation and mirroring
 *   (`irot`/`imir`), and the RGBA pixels go to sharp. The EXIF orientation of a HEIF file is not
 *   applied again (HEIF readers must ignore it: the container's transforms are authoritative).
 *
 * sharp stays on the main thread: libvips already works on its own threads, off the event loop.
 */
export type ImageType = Extract<SupportedType, `image/${string}`>;

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface ProcessedImage {
  /** The stored picture: JPEG, oriented, no metadata. */
  jpeg: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
  /** The oriented pixels, scaled to `limits.qrScanEdge` at most, for the QR code scan. */
  scan: RgbaImage;
}

type ImageLimits = Pick<
  AttachmentLimits,
  | 'maxImagePixels'
  | 'maxStoredImageEdge'
  | 'jpegQuality'
  | 'thumbnailEdge'
  | 'qrScanEdge'
  | 'processingSeconds'
>;

const SHARP_FORMAT: Record<ImageType, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/heic': 'heif',
  'image/heif': 'heif',
  'image/avif': 'heif',
};

export interface ImageHeader {
  width: number;
  height: number;
  /** HEIF only: the codec of the primary picture (`hevc`, `av1`). */
  compression: string | null;
}

/** Reads the header only (nothing is decoded) and refuses a pixel flood. */
export async function checkImageHeader(
  bytes: Buffer,
  type: ImageType,
  limits: ImageLimits,
): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    // Reading the header decodes no pixel: sharp's own pixel limit is lifted here so that the
    // check below, with its limit and details, is the one that speaks.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'header' });
  }
  const { width, height } = meta;
  if (meta.format !== SHARP_FORMAT[type] || !width || !height) {
    throw attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'header' });
  }
  checkPixels(width, height, limits);
  return { width, height, compression: meta.compression ?? null };
}

/** Decodes an HEVC HEIF to oriented RGBA pixels, or throws the pipeline's ATTACHMENT_* error. */
export type HeicDecoder = (bytes: Buffer, limits: ImageLimits) => Promise<RgbaImage>;

export async function processImage(
  bytes: Buffer,
  type: ImageType,
  limits: ImageLimits,
  decodeHeic: HeicDecoder,
): Promise<ProcessedImage> {
  const header = await checkImageHeader(bytes, type, limits);
  const source =
    SHARP_FORMAT[type] === 'heif' && header.compression !== 'av1'
      ? rawSharp(await decodeHeic(bytes, limits), limits)
      : sharp(bytes, { limitInputPixels: limits.maxImagePixels, failOn: 'error' }).rotate();
  source.timeout({ seconds: limits.processingSeconds });
  try {
    const stored = await source
      .clone()
      .resize({
        width: limits.maxStoredImageEdge,
        height: limits.maxStoredImageEdge,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: limits.jpegQuality })
      .toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(stored.data)
      .resize({
        width: limits.thumbnailEdge,
        height: limits.thumbnailEdge,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: 80 })
      .toBuffer();
    const scan = await source
      .clone()
      .resize({
        width: limits.qrScanEdge,
        height: limits.qrScanEdge,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      jpeg: stored.data,
      width: stored.info.width,
      height: stored.info.height,
      thumbnail,
      scan: {
        data: new Uint8ClampedArray(scan.data.buffer, scan.data.byteOffset, scan.data.length),
        width: scan.info.width,
        height: scan.info.height,
      },
    };
  } catch (error) {
    throw decodingError(error);
  }
}

function rawSharp({ data, width, height }: RgbaImage, limits: Pick<ImageLimits, 'maxImagePixels'>) {
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width, height, channels: 4 },
    limitInputPixels: limits.maxImagePixels,
  });
}

/** The JPEG thumbnail of RGBA pixels (the first page of a PDF, rendered). */
export function rgbaThumbnail(image: RgbaImage, limits: Pick<ImageLimits, 'thumbnailEdge'>): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .resize({ width: limits.thumbnailEdge, height: limits.thumbnailEdge, fit: 'inside' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 80 })
    .toBuffer();
}

function decodingError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const message = error instanceof Error ? error.message : '';
  if (/pixel limit/i.test(message)) return attachmentError('ATTACHMENT_PIXEL_FLOOD', { reason: 'decoder' });
  if (/timeout/i.test(message)) return attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'timeout' });
  return attachmentError('ATTACHMENT_IMAGE_INVALID', { reason: 'decode' });
}
