import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { escapeHtml, PAGE_HEADERS, page } from '../../auth/html.ts';
import type { Population } from '../../config.ts';

/**
 * The two web apps built by Vite (web/, `npm run build`) into WEB_DIR: the patient's space at
 * /patient/ and the pharmacy counter app at /pharmacie/, their hashed files under /assets/.
 * Every answer carries the apps' CSP: only this origin, no inline script or style, no framing.
 * A page asked for without a session of its population goes to that population's login.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // DSFR's stylesheet draws its small icons (checkbox tick, select arrow, logo) as data: SVGs.
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The apps' own headers; the common ones (nosniff, referrer, framing…) are hooks/security-headers.ts's. */
const SECURITY_HEADERS = {
  'content-security-policy': WEB_CSP,
  'permissions-policy': 'camera=(self), microphone=(), geolocation=()',
} as const;

export const WEB_APPS: Record<string, { population: Population; login: string }> = {
  patient: { population: 'patient', login: '/auth/patient/login' },
  pharmacie: { population: 'professional', login: '/auth/pro/login' },
};

/** Where a person lands after login: their population's app. */
export function appPathFor(population: Population): string {
  return population === 'patient' ? '/patient/' : '/pharmacie/';
}

function notBuilt(reply: FastifyReply, webDir: string) {
  return reply
    .status(503)
    .headers(PAGE_HEADERS)
    .send(
      page(
        'Application indisponible',
        `<h1>Application indisponible</h1>
<p>Les applications web ne sont pas construites dans <code>${escapeHtml(webDir)}</code>.
Lancez <code>npm run build</code> (ou <code>npm start</code>, qui le fait).</p>`,
      ),
    );
}

export function webAppRoutes(webDir: string): FastifyPluginAsync {
  return async (server) => {
    await server.register(fastifyStatic, {
      root: path.join(webDir, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      index: false,
      decorateReply: false,
      // Names carry a content hash: cache for a year.
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      },
    });

    for (const [segment, app] of Object.entries(WEB_APPS)) {
      server.get(`/${segment}`, async (_request, reply) => reply.redirect(`/${segment}/`, 301));
      server.get(`/${segment}/`, async (request, reply) => {
        if (request.auth?.session.identity.population !== app.population) {
          return reply.header('cache-control', 'no-store').redirect(app.login, 303);
        }
        let html: string;
        try {
          html = await fs.readFile(path.join(webDir, segment, 'index.html'), 'utf8');
        } catch {
          return notBuilt(reply, webDir);
        }
        return reply
          .headers({
            ...SECURITY_HEADERS,
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
          })
          .send(html);
      });
    }
  };
}
