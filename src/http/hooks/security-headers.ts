import type { FastifyInstance } from 'fastify';

/**
 * The security headers of every answer, set in this one place: JSON, errors and 404, pages, static
 * files, event streams, downloads, and the answers the bundled identity provider writes itself.
 * They go on the raw response as the request arrives, so that an answer a route writes by hand
 * (`reply.hijack()`) carries them too, and a route's own value wins over the default: pages and
 * downloads set their own Content-Security-Policy, the default one fits JSON and streams.
 * Strict-Transport-Security only when PUBLIC_URL is https.
 */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(publicUrl: string | null): Readonly<Record<string, string>> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': DEFAULT_CSP,
    ...(publicUrl?.startsWith('https:') ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}

/** Registers the headers on `server` (the root instance, before any route or other hook). */
export function addSecurityHeaders(server: FastifyInstance, publicUrl: string | null): void {
  const headers = Object.entries(securityHeaders(publicUrl));
  server.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
  });
}
