import type { AttachmentFlag } from './attachment.ts';
import { namesIn } from './pdf-streams.ts';

/**
 * Active content named in a PDF's objects, found by reading its names the way a PDF parser
 * tokenises them (pdfid-style). pdf.js, which parses the document, reports JavaScript and
 * attachments but turns Launch actions into links and skips SubmitForm actions; this scan
 * covers those, and serves as a second opinion on the rest.
 *
 * Names are decoded (`/J#61vaScript` is `/JavaScript`), and object streams (`/Type /ObjStm`),
 * where modern writers put most objects, are read too, as decoded within the caps of
 * src/attachments/pdf-streams.ts. Page content streams draw, they do not act.
 * A name seen anywhere flags the file; flags inform the pharmacy, they never refuse a file.
 */
const NAMES_BY_FLAG: Readonly<Record<AttachmentFlag, readonly string[]>> = {
  PDF_JAVASCRIPT: ['JavaScript', 'JS'],
  PDF_LAUNCH_ACTION: ['Launch'],
  PDF_EMBEDDED_FILES: ['EmbeddedFile', 'EmbeddedFiles', 'FileAttachment'],
  PDF_FORM_ACTIONS: ['SubmitForm', 'ImportData'],
};

export function scanActiveContent(bytes: Uint8Array, objectStreams: readonly string[]): AttachmentFlag[] {
  const names = namesIn(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  for (const decoded of objectStreams) {
    for (const name of namesIn(decoded)) names.add(name);
  }
  return (Object.keys(NAMES_BY_FLAG) as AttachmentFlag[]).filter((flag) =>
    NAMES_BY_FLAG[flag].some((name) => names.has(name)),
  );
}
