import { createRequire } from 'node:module';
import path from 'node:path';
import {
  getDocument,
  type PDFDocumentProxy,
  type PDFPageProxy,
  VerbosityLevel,
} from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DomainError } from '../domain-error.ts';
import type { AttachmentFlag } from './attachment.ts';
import { attachmentError } from './errors.ts';
import type { RgbaImage } from './image.ts';
import type { AttachmentLimits } from './limits.ts';
import { scanActiveContent } from './pdf-active-content.ts';
import { decodePdfStreams, namesIn, type PdfStreamLimits } from './pdf-streams.ts';

/**
 * PDFs (design note §3.4): parsed with pdf.js (legacy build, for Node) with string evaluation
 * off, no network (the data is given, never a URL), no system fonts and no font loading from
 * outside: standard fonts, CMaps and decoders come from the pdfjs-dist package on disk.
 *
 * - Refused: unparseable (ATTACHMENT_PDF_INVALID), encrypted — whether a password is needed
 *   or not (ATTACHMENT_PDF_ENCRYPTED) — over the page cap (ATTACHMENT_PDF_TOO_MANY_PAGES), and
 *   too costly to read: streams that decode to too many bytes, pages of too many operators
 *   (ATTACHMENT_PDF_TOO_COMPLEX, src/attachments/pdf-streams.ts, checked before pdf.js opens it).
 * - Flagged, for the pharmacy: JavaScript (document, pages, annotations, form fields), Launch
 *   actions, embedded files, form submissions (pdf.js's findings + `scanActiveContent`).
 * - Rendered: the first pages, for the QR code scan and (the first) the thumbnail. pdf.js draws on
 *   @napi-rs/canvas (its optional dependency); without it, or when a page takes too long, the PDF
 *   is kept with no thumbnail and no scan.
 *
 * Parsing and drawing are synchronous JavaScript: this runs in a worker thread
 * (src/attachments/worker-pool.ts), never on the main thread's event loop.
 *
 * The PDF is stored as sent: its bytes are what the prescriber's software signed and printed.
 */
export interface ProcessedPdf {
  pages: number;
  flags: AttachmentFlag[];
  /** The first pages, rendered for the QR code scan; the first one also makes the thumbnail. */
  scans: RgbaImage[];
}

type PdfLimits = PdfStreamLimits &
  Pick<
    AttachmentLimits,
    'maxPdfPages' | 'maxImagePixels' | 'qrScanPdfPages' | 'qrScanEdge' | 'processingSeconds'
  >;

const pdfjsDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const asset = (folder: string) => `${path.join(pdfjsDir, folder)}${path.sep}`;

export async function processPdf(bytes: Uint8Array, limits: PdfLimits): Promise<ProcessedPdf> {
  // pdf.js decrypts before it inflates: what it would inflate cannot be known here.
  if (
    namesIn(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')).has('Encrypt')
  ) {
    throw attachmentError('ATTACHMENT_PDF_ENCRYPTED');
  }
  const { objectStreams } = await decodePdfStreams(bytes, limits);
  const doc = await open(bytes, limits);
  try {
    return await inspect(doc, scanActiveContent(bytes, objectStreams), limits);
  } catch (error) {
    // A structure pdf.js could open but not walk (broken page tree, annotations…).
    if (error instanceof DomainError) throw error;
    throw attachmentError('ATTACHMENT_PDF_INVALID', { reason: 'structure' });
  } finally {
    await doc.destroy();
  }
}

async function inspect(
  doc: PDFDocumentProxy,
  scanned: AttachmentFlag[],
  limits: PdfLimits,
): Promise<ProcessedPdf> {
  const { info } = await doc.getMetadata();
  if ((info as { EncryptFilterName?: unknown }).EncryptFilterName) {
    throw attachmentError('ATTACHMENT_PDF_ENCRYPTED');
  }
  const pages = doc.numPages;
  if (pages < 1) throw attachmentError('ATTACHMENT_PDF_INVALID', { reason: 'no-page' });
  if (pages > limits.maxPdfPages) {
    throw attachmentError('ATTACHMENT_PDF_TOO_MANY_PAGES', { pages, maxPages: limits.maxPdfPages });
  }
  const flags = new Set(scanned);
  for (const flag of await documentFlags(doc)) flags.add(flag);
  const scans: RgbaImage[] = [];
  for (let n = 1; n <= pages; n++) {
    const page = await doc.getPage(n);
    for (const flag of await pageFlags(page)) flags.add(flag);
    if (n <= limits.qrScanPdfPages) {
      const rendered = await render(doc, page, limits);
      if (rendered) scans.push(rendered);
    }
    page.cleanup();
  }
  return { pages, flags: ORDER.filter((f) => flags.has(f)), scans };
}

const ORDER: AttachmentFlag[] = [
  'PDF_JAVASCRIPT',
  'PDF_LAUNCH_ACTION',
  'PDF_EMBEDDED_FILES',
  'PDF_FORM_ACTIONS',
];

async function open(bytes: Uint8Array, limits: PdfLimits): Promise<PDFDocumentProxy> {
  const task = getDocument({
    // pdf.js takes ownership of (detaches) the array it is given: hand it a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    stopAtErrors: true,
    maxImageSize: limits.maxImagePixels,
    standardFontDataUrl: asset('standard_fonts'),
    cMapUrl: asset('cmaps'),
    iccUrl: asset('iccs'),
    wasmUrl: asset('wasm'),
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy();
    if (error instanceof Error && error.name === 'PasswordException') {
      throw attachmentError('ATTACHMENT_PDF_ENCRYPTED');
    }
    throw attachmentError('ATTACHMENT_PDF_INVALID', { reason: 'parse' });
  }
}

function hasEntries(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

async function documentFlags(doc: PDFDocumentProxy): Promise<AttachmentFlag[]> {
  const flags: AttachmentFlag[] = [];
  if (hasEntries(await doc.getJSActions())) flags.push('PDF_JAVASCRIPT');
  const fields = (await doc.getFieldObjects()) ?? {};
  for (const widgets of Object.values(fields)) {
    if (widgets.some((w) => hasEntries((w as { actions?: unknown }).actions))) flags.push('PDF_JAVASCRIPT');
  }
  if (hasEntries(await doc.getAttachments())) flags.push('PDF_EMBEDDED_FILES');
  return flags;
}

const FILE_ATTACHMENT_ANNOTATION = 17;

async function pageFlags(page: PDFPageProxy): Promise<AttachmentFlag[]> {
  const flags: AttachmentFlag[] = [];
  if (hasEntries(await page.getJSActions())) flags.push('PDF_JAVASCRIPT');
  for (const annotation of (await page.getAnnotations()) as Array<Record<string, unknown>>) {
    if (hasEntries(annotation.actions)) flags.push('PDF_JAVASCRIPT');
    if (annotation.annotationType === FILE_ATTACHMENT_ANNOTATION || annotation.attachment) {
      flags.push('PDF_EMBEDDED_FILES');
    }
  }
  return flags;
}

interface CanvasAndContext {
  canvas: unknown;
  context: {
    getImageData(
      x: number,
      y: number,
      w: number,
      h: number,
    ): { data: Uint8ClampedArray; width: number; height: number };
  };
}

/**
 * Renders a page with its long side at `qrScanEdge`; null when it cannot be drawn in time.
 * Refused (ATTACHMENT_PDF_TOO_COMPLEX `operators`) when the page's operator list, as pdf.js
 * builds it — forms drawn in it expanded, which counting each content stream cannot see — goes
 * past `maxPdfPageOperators`: drawing stops there.
 */
async function render(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  limits: PdfLimits,
): Promise<RgbaImage | null> {
  const unit = page.getViewport({ scale: 1 });
  const scale = limits.qrScanEdge / Math.max(unit.width, unit.height, 1);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const factory = doc.canvasFactory as {
    create(w: number, h: number): CanvasAndContext;
    destroy(c: CanvasAndContext): void;
  };
  let target: CanvasAndContext | null = null;
  let timer: NodeJS.Timeout | undefined;
  let tooMany = false;
  try {
    target = factory.create(width, height);
    const task = page.render({
      canvas: target.canvas as never,
      canvasContext: target.context as never,
      viewport,
    });
    // Called between slices of drawing, as the operator list grows.
    task.onContinue = (next: () => void) => {
      if (operatorsSoFar(task) <= limits.maxPdfPageOperators) return next();
      tooMany = true;
      task.cancel();
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        task.cancel();
        reject(new Error('render timeout'));
      }, limits.processingSeconds * 1000);
    });
    await Promise.race([task.promise, timeout]);
    const image = target.context.getImageData(0, 0, width, height);
    return { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
  } catch {
    if (tooMany) {
      throw attachmentError('ATTACHMENT_PDF_TOO_COMPLEX', {
        reason: 'operators',
        maxPageOperators: limits.maxPdfPageOperators,
      });
    }
    return null;
  } finally {
    clearTimeout(timer);
    if (target) factory.destroy(target);
  }
}

/** The length of the operator list pdf.js has built so far for this rendering (its own field). */
function operatorsSoFar(task: unknown): number {
  const internal = (task as { _internalRenderTask?: { operatorList?: { fnArray?: unknown[] } } })
    ._internalRenderTask;
  return internal?.operatorList?.fnArray?.length ?? 0;
}
