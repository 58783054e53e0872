/**
 * What the attachment pipeline makes of an uploaded file (design note §3.4), and the ports the
 * messaging capability uses. Decided from magic bytes only, never from a name or Content-Type.
 */
import type { SupportedType } from './limits.ts';

export type AttachmentKind = 'image' | 'pdf';

/** A stored blob: content-addressed (SHA-256 of the clear bytes), encrypted at rest. */
export interface BlobRef {
  sha256: string;
  size: number;
}

/** Findings shown to the pharmacy; they do not refuse the file by themselves. */
export type AttachmentFlag =
  | 'PDF_JAVASCRIPT'
  | 'PDF_LAUNCH_ACTION'
  | 'PDF_EMBEDDED_FILES'
  | 'PDF_FORM_ACTIONS';

export interface ProcessedAttachment {
  kind: AttachmentKind;
  /** The media type of the stored bytes (`image/jpeg` for re-encoded photos, `application/pdf`). */
  mediaType: 'image/jpeg' | 'application/pdf';
  /** The detected type of what was uploaded (`image/heic`, `image/png`…), for the record. */
  sourceType: SupportedType;
  /** SHA-256 (hex) and size of the bytes as uploaded: for PDFs, the stored blob's; for images, not. */
  sourceSha256: string;
  sourceSize: number;
  /** A sanitised display file name whose extension matches `mediaType` (see `sanitizeFileName`). */
  fileName: string;
  blob: BlobRef;
  /** JPEG; null for a PDF whose first page could not be rendered. */
  thumbnail: BlobRef | null;
  /** Image: pixel size of the stored picture (after auto-orientation and any scaling down). */
  width: number | null;
  height: number | null;
  /** PDF: page count. */
  pages: number | null;
  flags: AttachmentFlag[];
  /** E-prescription numbers read from QR codes (images and the first PDF pages), upper-case. */
  prescriptionNumbers: string[];
}

/** Encrypted, content-addressed blob storage; `put` returns once the bytes are durable. */
export interface BlobStore {
  put(bytes: Buffer): Promise<BlobRef>;
  /** The clear bytes, after checking the authentication tag and the content hash. */
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
}
