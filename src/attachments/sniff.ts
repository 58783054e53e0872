import { fileTypeFromBuffer } from 'file-type';
import { attachmentError } from './errors.ts';
import { SUPPORTED_TYPES, type SupportedType } from './limits.ts';

/**
 * The type of an upload, decided from its magic bytes only (file-type), never from its name or
 * the Content-Type the client sent. Anything not accepted is refused with ATTACHMENT_TYPE_REFUSED.
 *
 * Polyglots (one file that is valid as two types) are handled so that none slips through as the
 * type its name claims:
 * - the type is what the leading magic bytes say; the file name's extension is then rewritten
 *   to match the stored type (`sanitizeFileName`), so `x.pdf` holding a JPEG becomes `x.jpg`;
 * - images are never stored as sent: they are decoded and re-encoded from pixels, so a PDF, ZIP
 *   or script appended to or hidden inside a JPEG/PNG/HEIC is dropped with the rest of the bytes;
 * - an image that also carries a PDF header (`%PDF-`) within its first 1024 bytes — where PDF
 *   readers look for one — is built to open as both, and is refused outright
 *   (`details.reason = 'polyglot'`);
 * - a PDF is stored as sent but always as `application/pdf`, named `.pdf`, and downloads carry
 *   `nosniff` (HTTP layer), so no other reading of its bytes is offered.
 */
export const PDF_HEADER_WINDOW = 1024;

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');

/**
 * Photos recognised by their fixed signature alone, before file-type is asked: file-type also
 * reads past it (a PNG's chunks, to tell APNG; the byte after a JPEG's start marker, to tell
 * JPEG-LS), so a photo with the right header but damaged data was "not a photo"
 * (ATTACHMENT_TYPE_REFUSED) or a damaged photo depending on its bytes. Decided here, such a file
 * goes to the decoder, which refuses it as ATTACHMENT_IMAGE_INVALID. (HEIF types are decided by
 * their `ftyp` box's brand, which file-type reads and nothing more.)
 */
const IMAGE_SIGNATURES: ReadonlyArray<[SupportedType, Buffer]> = [
  ['image/png', Buffer.from('89504e470d0a1a0a', 'hex')],
  ['image/jpeg', Buffer.from('ffd8ff', 'hex')],
];

export async function sniffType(
  bytes: Uint8Array,
  accepted: readonly SupportedType[],
): Promise<SupportedType> {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8));
  const signed = IMAGE_SIGNATURES.find(([, signature]) =>
    head.subarray(0, signature.length).equals(signature),
  );
  const mime = signed?.[0] ?? (await fileTypeFromBuffer(bytes))?.mime;
  if (!mime || !isSupported(mime) || !accepted.includes(mime)) {
    throw attachmentError('ATTACHMENT_TYPE_REFUSED', { detected: mime ?? null });
  }
  if (mime.startsWith('image/') && containsPdfHeader(bytes)) {
    throw attachmentError('ATTACHMENT_TYPE_REFUSED', { detected: mime, reason: 'polyglot' });
  }
  return mime;
}

function isSupported(mime: string): mime is SupportedType {
  return (SUPPORTED_TYPES as readonly string[]).includes(mime);
}

function containsPdfHeader(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PDF_HEADER_WINDOW));
  return head.includes(PDF_HEADER);
}

/** The extension a stored file of this media type gets. */
export const EXTENSION_BY_TYPE: Readonly<Record<SupportedType, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'application/pdf': 'pdf',
};
