import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random secrets for the browser (session ids, login binding) and the one-way form they are stored in. */

/** `bytes` random bytes, base64url: 32 bytes = 256 bits. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time comparison of two strings (false when the lengths differ). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
