import { attachmentError } from './errors.ts';
import type { AttachmentLimits } from './limits.ts';
import { decodeFilter } from './pdf-decode.ts';
import { countOperators } from './pdf-operators.ts';

/**
 * Every stream of a PDF decoded under caps, before pdf.js is given the file (design note §3.8:
 * bounded work per person). pdf.js decodes a stream in one growing buffer: a 2 MB file whose
 * page inflates to 2 GiB cost 4 GB of memory, and a page of a million operators kept a thread
 * busy for a minute. Here:
 *
 * - each stream is decoded through its filter chain (src/attachments/pdf-decode.ts), each step
 *   capped at `maxPdfStreamBytes`, all the steps of all the streams at `maxPdfDecodedBytes`;
 * - the operators of each content stream are counted: `maxPdfPageOperators` per stream,
 *   `maxPdfOperators` for the file;
 * - over a cap, the PDF is refused: ATTACHMENT_PDF_TOO_COMPLEX with `details.reason` `inflate`
 *   or `operators`; a filter named through an indirect reference (`/Filter 7 0 R`), which this
 *   reading cannot follow, is refused the same way (`filter`).
 *
 * Streams are found by their `stream` keyword wherever it is, whatever the cross-reference table
 * says, and each is decoded from its first byte to the end of the file (decoders stop where
 * their data ends): a lying /Length or a stray `endstream` inside the data cannot hide bytes
 * pdf.js would decode. Nothing is kept but the object streams' text, for the active content scan.
 */
export interface DecodedStreams {
  /** The decoded text (latin1) of each object stream (`/Type /ObjStm`). */
  objectStreams: string[];
}

export type PdfStreamLimits = Pick<
  AttachmentLimits,
  'maxPdfStreamBytes' | 'maxPdfDecodedBytes' | 'maxPdfPageOperators' | 'maxPdfOperators'
>;

/** Streams that are not drawing instructions: their operators are not counted. */
const NOT_CONTENT = ['Image', 'ObjStm', 'XRef', 'Metadata', 'EmbeddedFile', 'Length1', 'Length2', 'Length3'];
/** How far before its `stream` keyword a stream's dictionary is looked for. */
const DICTIONARY_WINDOW = 64 * 1024;
/**
 * What each filtered stream costs against `maxPdfDecodedBytes` at least, so that a file made of
 * thousands of tiny streams (each one decoder started) is bounded too.
 */
export const MIN_STREAM_COST = 4096;

export async function decodePdfStreams(bytes: Uint8Array, limits: PdfStreamLimits): Promise<DecodedStreams> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('latin1');
  const objs = positions(text, /obj/g);
  const ends = positions(text, /endstream/g);
  const eols = positions(text, /[\r\n]/g);
  const objectStreams: string[] = [];
  let decodedBytes = 0;
  let operators = 0;
  let countedUpTo = 0;
  let previous = 0;
  const refuse = (reason: string, details: Record<string, number> = {}) =>
    attachmentError('ATTACHMENT_PDF_TOO_COMPLEX', { reason, ...details });

  for (const match of text.matchAll(/stream/g)) {
    const at = match.index ?? 0;
    if (text.startsWith('end', at - 3)) continue;
    const dictionary = text.slice(Math.max(previous, at - DICTIONARY_WINDOW, before(objs, at)), at);
    previous = at + 6;
    const names = namesIn(dictionary);
    const chain = filterChain(dictionary);
    if (chain === 'indirect') throw refuse('filter');
    const start = dataStart(text, eols, previous);
    let data: Buffer = buffer.subarray(start);
    let image = false;
    for (const filter of chain) {
      const step = await decodeFilter(filter, data, limits.maxPdfStreamBytes, {
        earlyChange: /\/EarlyChange\s+0\b/.test(dictionary) ? 0 : 1,
      });
      if (step.kind === 'image') {
        image = true;
        break;
      }
      if (step.kind === 'over') throw refuse('inflate', { maxStreamBytes: limits.maxPdfStreamBytes });
      decodedBytes += Math.max(step.bytes.length, MIN_STREAM_COST);
      if (decodedBytes > limits.maxPdfDecodedBytes) {
        throw refuse('inflate', { maxDecodedBytes: limits.maxPdfDecodedBytes });
      }
      data = step.bytes;
    }
    if (image) continue;
    if (chain.length === 0) data = data.subarray(0, rawLength(text, dictionary, start, ends));
    if (names.has('ObjStm')) {
      objectStreams.push(data.toString('latin1'));
    } else if (!NOT_CONTENT.some((name) => names.has(name)) && (chain.length > 0 || start >= countedUpTo)) {
      // Unfiltered data is read in place: a stray `stream` inside a stream would count it again.
      if (chain.length === 0) countedUpTo = start + data.length;
      const count = countOperators(data, limits.maxPdfPageOperators);
      if (count > limits.maxPdfPageOperators) {
        throw refuse('operators', { maxPageOperators: limits.maxPdfPageOperators });
      }
      operators += count;
      if (operators > limits.maxPdfOperators)
        throw refuse('operators', { maxOperators: limits.maxPdfOperators });
    }
  }
  return { objectStreams };
}

function positions(text: string, pattern: RegExp): number[] {
  return Array.from(text.matchAll(pattern), (m) => m.index ?? 0);
}

/** The index of the first position in `sorted` at or after `at` (`sorted.length` if none). */
function firstFrom(sorted: number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? 0) < at) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The last position in `sorted` before `at` (0 if none). */
const before = (sorted: number[], at: number) => sorted[firstFrom(sorted, at) - 1] ?? 0;

/** Where pdf.js starts reading a stream: after the end of the line of its `stream` keyword. */
function dataStart(text: string, eols: number[], after: number): number {
  const eol = eols[firstFrom(eols, after)];
  if (eol === undefined) return text.length;
  return text[eol] === '\r' && text[eol + 1] === '\n' ? eol + 2 : eol + 1;
}

/**
 * An unfiltered stream's length as pdf.js reads it: to the first `endstream`, or further when a
 * direct /Length ends on an `endstream` (the larger of the two).
 */
function rawLength(text: string, dictionary: string, start: number, ends: number[]): number {
  let end = ends[firstFrom(ends, start)] ?? text.length;
  const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dictionary);
  if (declared) {
    const stated = start + Number(declared[1]);
    if (stated > end && /^\s*endstream/.test(text.slice(stated, stated + 32))) end = stated;
  }
  return end - start;
}

const FILTER = /\/(?:Filter|F)(?![^\s/<>[\](){}%])\s*(\[[^\]]*\]|\/[^\s/<>[\](){}%]*|\d+\s+\d+\s+R)?/g;
const NAME = /\/([^\s/<>[\](){}%]*)/g;

/** The filter names of a stream's dictionary, in order; 'indirect' when given by reference. */
function filterChain(dictionary: string): string[] | 'indirect' {
  const chain: string[] = [];
  for (const match of dictionary.matchAll(FILTER)) {
    const value = match[1] ?? '';
    if (/\bR\b/.test(value)) return 'indirect';
    for (const name of value.matchAll(NAME)) chain.push(decodeName(name[1] ?? ''));
  }
  return chain;
}

export function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(NAME)) names.add(decodeName(match[1] ?? ''));
  return names;
}

/** `/J#61vaScript` is `/JavaScript`. */
function decodeName(raw: string): string {
  return raw.includes('#')
    ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : raw;
}
