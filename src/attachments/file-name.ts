import { DEFAULT_LIMITS, type SupportedType } from './limits.ts';
import { EXTENSION_BY_TYPE } from './sniff.ts';

/**
 * File names as shown and downloaded. A name the client sends is display text only: never a
 * path, never a hint of the type. `sanitizeFileName` keeps the last path segment, removes
 * control, format (bidirectional overrides, zero-width) and reserved characters, caps the
 * length, and makes the extension match the type of the stored bytes.
 */
export const DEFAULT_FILE_BASE = 'piece-jointe';

/** The extensions a file of each type may carry (the client goes by them when a type is missing). */
export const EXTENSIONS_BY_TYPE: Readonly<Record<SupportedType, readonly string[]>> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/heic': ['heic'],
  'image/heif': ['heif', 'heic'],
  'image/avif': ['avif'],
  'application/pdf': ['pdf'],
};

/** Extensions that name a type we know: replaced rather than kept as part of the base name. */
const KNOWN_EXTENSIONS = new Set([
  ...Object.values(EXTENSIONS_BY_TYPE).flat(),
  'jpe',
  'jfif',
  'hif',
  'tif',
  'tiff',
]);
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * `../../x.pdf` → `x.pdf`; `IMG_0001.HEIC` stored as JPEG → `IMG_0001.jpg`; `scan.pdf` holding a
 * JPEG → `scan.jpg`; `` → `piece-jointe.pdf`. `storedType` is the media type of the stored bytes.
 */
export function sanitizeFileName(
  declared: string | null | undefined,
  storedType: SupportedType,
  maxLength: number = DEFAULT_LIMITS.maxFileNameLength,
): string {
  const lastSegment = (declared ?? '').split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const dot = name.lastIndexOf('.');
  const currentExt = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const allowed = EXTENSIONS_BY_TYPE[storedType];
  let ext = allowed.includes(currentExt) ? name.slice(dot + 1) : EXTENSION_BY_TYPE[storedType];
  if (dot > 0 && (allowed.includes(currentExt) || KNOWN_EXTENSIONS.has(currentExt)))
    name = name.slice(0, dot);
  name = name.replace(/[.\s]+$/g, '');
  if (name === '' || WINDOWS_RESERVED.test(name)) name = name === '' ? DEFAULT_FILE_BASE : `_${name}`;
  if (ext.length > 10) ext = EXTENSION_BY_TYPE[storedType];
  const room = Math.max(1, maxLength - ext.length - 1);
  const points = Array.from(name);
  if (points.length > room) name = points.slice(0, room).join('').trimEnd();
  return `${name}.${ext}`;
}

/**
 * `Content-Disposition: attachment` with an ASCII `filename` fallback and the exact name in
 * `filename*` (RFC 6266 §4.3, RFC 8187 encoding). Give it a name from `sanitizeFileName`.
 */
export function contentDisposition(fileName: string): string {
  const fallback =
    fileName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%;]/g, '_')
      .trim() || 'piece-jointe';
  const encoded = Array.from(new TextEncoder().encode(fileName.normalize('NFC')))
    .map((byte) =>
      isAttrChar(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** RFC 8187 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" */
function isAttrChar(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    '!#$&+-.^_`|~'.includes(String.fromCharCode(byte))
  );
}
