import fs from 'node:fs';
import type { BlobStore, ProcessedAttachment } from './attachment.ts';
import { attachmentError } from './errors.ts';
import { sanitizeFileName } from './file-name.ts';
import { type ImageType, processImage, rgbaThumbnail } from './image.ts';
import type { AttachmentLimits } from './limits.ts';
import { sniffType } from './sniff.ts';
import type { ReceivedUpload } from './upload.ts';
import type { AttachmentWorkers } from './worker-pool.ts';

export { downloadHeaders } from './download.ts';
export { contentDisposition, sanitizeFileName } from './file-name.ts';

/**
 * The attachment pipeline (design note §3.4), after `receiveUpload` put the bytes in a temp file:
 * sniff the type from magic bytes → image path (pixel check, decode, orient, strip, re-encode,
 * thumbnail) or PDF path (parse, refuse encrypted / too many pages, flag active content, render
 * the first pages) → QR scan for e-prescription numbers → blobs stored, durable and encrypted.
 * PDF parsing and drawing, HEIC decoding and the QR scan run on `workers` (worker threads);
 * sharp (libvips) works off the event loop by itself.
 *
 * Throws a DomainError with an ATTACHMENT_* code when the file is refused; nothing is stored then.
 * The caller still owns the temp file (`upload.discard()`).
 */
export interface PipelineDeps {
  blobs: BlobStore;
  limits: AttachmentLimits;
  workers: AttachmentWorkers;
  /**
   * Whose file this is (e.g. `patient:<matricule>`), for the worker pool's fair share: one
   * person's files take turns with everyone else's. Unset: the file is its own owner.
   */
  owner?: string;
}

export async function processAttachment(
  upload: Pick<ReceivedUpload, 'path' | 'size' | 'sha256'>,
  declaredFileName: string | null | undefined,
  deps: PipelineDeps,
): Promise<ProcessedAttachment> {
  const { blobs, limits, workers, owner } = deps;
  if (upload.size > limits.maxFileBytes) {
    throw attachmentError('ATTACHMENT_TOO_LARGE', { limitBytes: limits.maxFileBytes, scope: 'file' });
  }
  const bytes = await fs.promises.readFile(upload.path);
  const sourceType = await sniffType(bytes, limits.acceptedTypes);
  const source = { sourceType, sourceSha256: upload.sha256, sourceSize: upload.size };

  if (sourceType === 'application/pdf') {
    const pdf = await workers.pdf(bytes, limits, owner);
    const blob = await blobs.put(bytes);
    const thumbnail = pdf.firstPage ? await blobs.put(await rgbaThumbnail(pdf.firstPage, limits)) : null;
    return {
      kind: 'pdf',
      mediaType: 'application/pdf',
      ...source,
      fileName: sanitizeFileName(declaredFileName, 'application/pdf', limits.maxFileNameLength),
      blob,
      thumbnail,
      width: null,
      height: null,
      pages: pdf.pages,
      flags: pdf.flags,
      prescriptionNumbers: pdf.prescriptionNumbers,
    };
  }

  const image = await processImage(bytes, sourceType as ImageType, limits, (b, l) =>
    workers.heic(b, l, owner),
  );
  const prescriptionNumbers = await workers.scan([image.scan], limits, owner);
  const blob = await blobs.put(image.jpeg);
  const thumbnail = await blobs.put(image.thumbnail);
  return {
    kind: 'image',
    mediaType: 'image/jpeg',
    ...source,
    fileName: sanitizeFileName(declaredFileName, 'image/jpeg', limits.maxFileNameLength),
    blob,
    thumbnail,
    width: image.width,
    height: image.height,
    pages: null,
    flags: [],
    prescriptionNumbers,
  };
}
