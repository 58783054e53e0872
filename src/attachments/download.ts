import { contentDisposition } from './file-name.ts';

/**
 * The headers of an attachment download (design note §3.4), for the HTTP layer: always a
 * download (`attachment`, sanitised RFC 6266 name), the stored media type (`nosniff`, like every
 * answer: src/http/hooks/security-headers.ts), and a CSP that sandboxes the response should a
 * browser render it anyway. Not cached by shared caches: attachments are health data.
 */
export function downloadHeaders(
  attachment: { fileName: string; mediaType: string },
  size: number,
): Record<string, string> {
  return {
    'Content-Type': attachment.mediaType,
    'Content-Length': String(size),
    'Content-Disposition': contentDisposition(attachment.fileName),
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  };
}
