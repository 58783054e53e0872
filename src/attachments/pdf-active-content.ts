import zlib from 'node:zlib';
import type { AttachmentFlag } from './attachment.ts';

/**
 * Active content named in a PDF's objects, found by reading its names the way a PDF parser
 * tokenises them (pdfid-style). pdf.js, which parses the document, reports JavaScript and
 * attachments but turns Launch actions into links and skips SubmitForm actions; this scan
 * covers those, and serves as a second opinion on the rest.
 *
 * Names are decoded (`/J#61vaScript` is `/JavaScript`), and object streams (`/Type /ObjStm`,
 * FlateDecode), where modern writers put most objects, are inflated — within a byte budget —
 * and read too. Page content streams are not inflated: they draw, they do not act.
 * A name seen anywhere flags the file; flags inform the pharmacy, they never refuse a file.
 */
const NAMES_BY_FLAG: Readonly<Record<AttachmentFlag, readonly string[]>> = {
  PDF_JAVASCRIPT: ['JavaScript', 'JS'],
  PDF_LAUNCH_ACTION: ['Launch'],
  PDF_EMBEDDED_FILES: ['EmbeddedFile', 'EmbeddedFiles', 'FileAttachment'],
  PDF_FORM_ACTIONS: ['SubmitForm', 'ImportData'],
};

/** Total bytes inflated from object streams, so a compression bomb cannot cost more. */
export const OBJECT_STREAM_BUDGET = 64 * 1024 * 1024;

const NAME = /\/([^\s/<>[\](){}%]*)/g;
const STREAM = /stream\r?\n/g;

export function scanActiveContent(bytes: Uint8Array): AttachmentFlag[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const names = namesIn(text);
  for (const inflated of objectStreams(text)) {
    for (const name of namesIn(inflated)) names.add(name);
  }
  return (Object.keys(NAMES_BY_FLAG) as AttachmentFlag[]).filter((flag) =>
    NAMES_BY_FLAG[flag].some((name) => names.has(name)),
  );
}

function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(NAME)) {
    const raw = match[1] ?? '';
    names.add(
      raw.includes('#')
        ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        : raw,
    );
  }
  return names;
}

/** The inflated text of each FlateDecode object stream, within OBJECT_STREAM_BUDGET. */
function* objectStreams(text: string): Generator<string> {
  let budget = OBJECT_STREAM_BUDGET;
  for (const match of text.matchAll(STREAM)) {
    const at = match.index ?? 0;
    if (text.startsWith('end', at - 3)) continue;
    const start = at + match[0].length;
    const dictStart = text.lastIndexOf('obj', at);
    if (dictStart < 0) continue;
    const dict = namesIn(text.slice(dictStart, at));
    if (!dict.has('ObjStm') || !(dict.has('FlateDecode') || dict.has('Fl'))) continue;
    const end = text.indexOf('endstream', start);
    if (end < 0 || budget <= 0) continue;
    const data = Buffer.from(text.slice(start, end), 'latin1');
    try {
      const inflated = zlib.inflateSync(data, {
        maxOutputLength: budget,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
      budget -= inflated.length;
      yield inflated.toString('latin1');
    } catch {
      // Not inflatable within the budget: pdf.js's findings still stand for this stream.
    }
  }
}
