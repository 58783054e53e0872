/**
 * The one place for attachment limits (design note §2: "one place for limits").
 *
 * The README's "Attachment limits" section is written by hand from this module: when you change a
 * value or add a limit here, update that section in the same commit. Nothing else in the code
 * base repeats these numbers; callers receive an `AttachmentLimits` object.
 */

import { attachmentError } from './errors.ts';

const MB = 1024 * 1024;

/** Every media type the pipeline knows how to make safe; `ATTACHMENT_TYPES` picks among them. */
export const SUPPORTED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'image/avif',
  'application/pdf',
] as const;
export type SupportedType = (typeof SUPPORTED_TYPES)[number];

/**
 * Accepted by default: what phones and the health record produce. The types accepted on the
 * patient side are not published [unconfirmed, domain note §3]: hence `ATTACHMENT_TYPES`.
 * AVIF (AV1 in HEIF) is supported but off by default.
 */
export const DEFAULT_TYPES: readonly SupportedType[] = [
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'application/pdf',
];

export interface AttachmentLimits {
  /** Bytes per file, enforced while streaming (operators commonly use 10 MB). */
  maxFileBytes: number;
  /** Bytes for all the files of one message (Mon espace santé refuses messages over 25 MB). */
  maxMessageBytes: number;
  /** Files per message: a new message carries 1 to 5 attachments. */
  minFiles: number;
  maxFiles: number;
  /** Width × height read from the image header, checked before any decoding (48 Mpx iPhones fit). */
  maxImagePixels: number;
  /** Long side of the stored (re-encoded) image; larger photos are scaled down. */
  maxStoredImageEdge: number;
  /** JPEG quality of stored images. */
  jpegQuality: number;
  /** Long side of the JPEG thumbnail (images and the first page of PDFs). */
  thumbnailEdge: number;
  /** Pages per PDF. */
  maxPdfPages: number;
  /** PDF pages rendered and scanned for an e-prescription QR code, from the first. */
  qrScanPdfPages: number;
  /** Long side, in pixels, of the picture scanned for QR codes (a photo scaled down, a PDF page rendered). */
  qrScanEdge: number;
  /** Seconds allowed to decode and re-encode one image, or to render one PDF page. */
  processingSeconds: number;
  /**
   * Bytes one PDF stream may decode to (FlateDecode, LZW, Brotli, ASCII85/Hex, RunLength, each
   * step of a filter chain), decoded with a cap before pdf.js is given the file.
   */
  maxPdfStreamBytes: number;
  /** Bytes all the streams of one PDF may decode to, together. */
  maxPdfDecodedBytes: number;
  /**
   * Operators in one content stream (a page's, or a form it draws), counted before pdf.js parses
   * it; and in a page's operator list as pdf.js builds it to draw it (forms expanded).
   */
  maxPdfPageOperators: number;
  /** Operators in all the content streams of one PDF. */
  maxPdfOperators: number;
  /** JavaScript heap of one worker thread, in MiB (`resourceLimits`): past it, the thread is stopped. */
  workerHeapMb: number;
  /** Memory (heap and buffers) a worker thread may keep after a task, in MiB: past it, it is replaced. */
  workerRecycleMb: number;
  /** Worker tasks one person may have running at once; their other files wait their turn. */
  workerTasksPerPerson: number;
  /** Characters (code points) of a sanitised file name, extension included. */
  maxFileNameLength: number;
  /** Media types accepted, decided from magic bytes only. */
  acceptedTypes: readonly SupportedType[];
}

export const DEFAULT_LIMITS: Readonly<AttachmentLimits> = Object.freeze({
  maxFileBytes: 10 * MB,
  maxMessageBytes: 25 * MB,
  minFiles: 1,
  maxFiles: 5,
  maxImagePixels: 50_000_000,
  maxStoredImageEdge: 4096,
  jpegQuality: 85,
  thumbnailEdge: 320,
  maxPdfPages: 50,
  qrScanPdfPages: 3,
  qrScanEdge: 2000,
  processingSeconds: 30,
  maxPdfStreamBytes: 32 * MB,
  maxPdfDecodedBytes: 256 * MB,
  maxPdfPageOperators: 200_000,
  maxPdfOperators: 1_000_000,
  workerHeapMb: 512,
  workerRecycleMb: 256,
  workerTasksPerPerson: 1,
  maxFileNameLength: 120,
  acceptedTypes: DEFAULT_TYPES,
});

/** The limits with the configured overrides (`ATTACHMENT_TYPES`, `ATTACHMENT_MAX_FILE_MB`). */
export function attachmentLimits(overrides: Partial<AttachmentLimits> = {}): AttachmentLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  if (limits.maxFileBytes > limits.maxMessageBytes) limits.maxMessageBytes = limits.maxFileBytes;
  return limits;
}

/** Refuses a picture whose width × height exceeds `maxImagePixels`, before it is decoded. */
export function checkPixels(
  width: number,
  height: number,
  limits: Pick<AttachmentLimits, 'maxImagePixels'>,
): void {
  if (width * height > limits.maxImagePixels) {
    throw attachmentError('ATTACHMENT_PIXEL_FLOOD', { width, height, maxPixels: limits.maxImagePixels });
  }
}

/**
 * How long a worker thread may take over one task before it is stopped
 * (src/attachments/worker-pool.ts): `processingSeconds` for a photo's decoding or QR scan, and
 * for a PDF one more per page rendered (`qrScanPdfPages`) — two minutes by default. It starts when
 * a thread starts the task, not when the task is queued.
 */
export function workerDeadlineMs(
  limits: Pick<AttachmentLimits, 'processingSeconds'>,
  pagesRendered = 0,
): number {
  return (pagesRendered + 1) * limits.processingSeconds * 1000;
}

export function megabytes(mb: number): number {
  return Math.round(mb * MB);
}

export type ParsedTypes = { ok: true; types: SupportedType[] } | { ok: false; message: string };

/** `ATTACHMENT_TYPES`: comma-separated media types among SUPPORTED_TYPES (e.g. `image/jpeg,application/pdf`). */
export function parseAttachmentTypes(text: string): ParsedTypes {
  const items = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  if (items.length === 0) return { ok: false, message: 'must list at least one media type' };
  const unknown = items.filter((t) => !(SUPPORTED_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `lists unsupported types (${unknown.join(', ')}); supported: ${SUPPORTED_TYPES.join(', ')}`,
    };
  }
  return { ok: true, types: [...new Set(items)] as SupportedType[] };
}
