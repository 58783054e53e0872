import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sameSecret } from '../../auth/secrets.ts';
import { DomainError } from '../../domain-error.ts';
import type { AuthRuntime } from '../auth-runtime.ts';
import { requestContext } from './session.ts';

/**
 * Cross-site request forgery: a state-changing request (not GET/HEAD/OPTIONS) that carries a
 * session cookie must come from our own origin — `Origin` equal to PUBLIC_URL's, or, without
 * `Origin`, `Sec-Fetch-Site: same-origin` — and, when the session is alive, carry its token in
 * `X-CSRF-Token` (a plain HTML form may send it as the `csrf` field instead). Otherwise: 403
 * `CSRF_REJECTED`, audited as a refusal. The bundled identity provider's own forms (`/idp/…`) are
 * protected by oidc-provider (SameSite interaction cookies bound to the interaction).
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

function sameOrigin(request: FastifyRequest, publicOrigin: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === publicOrigin;
  return request.headers['sec-fetch-site'] === 'same-origin';
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  const body = request.body as { csrf?: unknown } | undefined;
  return typeof body?.csrf === 'string' ? body.csrf : undefined;
}

export function csrfHook(auth: AuthRuntime): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (server: FastifyInstance) => {
    server.addHook('preHandler', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      if (request.url === '/idp' || request.url.startsWith('/idp/')) return;
      if (request.cookies[auth.cookies.session.name()] === undefined) return;
      const origin = new URL(auth.publicUrl()).origin;
      const token = presentedToken(request);
      const ok =
        sameOrigin(request, origin) &&
        (request.auth === null || (token !== undefined && sameSecret(token, request.auth.session.csrfToken)));
      if (ok) return;
      await auth.login.refused(
        request.auth?.session.identity ?? null,
        'CSRF_REJECTED',
        request.routeOptions.url ?? 'unknown-route',
        requestContext(request),
      );
      throw new DomainError(
        'CSRF_REJECTED',
        'Requête refusée : elle ne vient pas d’une page d’Officine MSS (protection contre la falsification de requêtes).',
      );
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
