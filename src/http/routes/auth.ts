import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionIdentity } from '../../auth/identity.ts';
import type { Population } from '../../config.ts';
import type { DirectoryStore } from '../../directory/store.ts';
import { DomainError } from '../../domain-error.ts';
import { formatPatientAddress } from '../../identity/patient-address.ts';
import type { ApiRegistry } from '../api-routes.ts';
import { refusalPage } from '../auth-pages.ts';
import type { AuthRuntime } from '../auth-runtime.ts';
import { requestContext } from '../hooks/session.ts';
import { appPathFor } from './web-apps.ts';

/**
 * Login and logout for both populations, and who the session is:
 * - `GET /auth/patient/login`, `GET /auth/pro/login` → to the identity provider;
 * - `GET /auth/patient/callback`, `GET /auth/pro/callback` → a session, then the home page;
 * - `POST /auth/logout` → the session ends everywhere;
 * - `GET /api/me` → the session's identity and its CSRF token (401 without a session).
 */
const SEGMENTS: Record<string, Population> = { patient: 'patient', pro: 'professional' };

/** The request URL without its query, for logs: a callback's query holds the code and state. */
const pathOnly = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url.split('?')[0],
  requestId: request.id,
});

/** The session's identity; a professional's pharmacies and roles as the directory says now. */
export async function identityJson(identity: SessionIdentity, directory: DirectoryStore) {
  return identity.population === 'patient'
    ? {
        population: identity.population,
        matricule: identity.matricule,
        address: formatPatientAddress(identity.matricule),
        givenNames: identity.givenNames,
        familyName: identity.familyName,
      }
    : {
        population: identity.population,
        rpps: identity.rpps,
        givenName: identity.givenName,
        familyName: identity.familyName,
        memberships: await directory.memberships(identity.rpps),
      };
}

export function authRoutes(auth: AuthRuntime, api: ApiRegistry): FastifyPluginAsync {
  return async (server) => {
    await server.register(formbody);

    for (const [segment, population] of Object.entries(SEGMENTS)) {
      api.route(server, {
        method: 'GET',
        url: `/auth/${segment}/login`,
        summary: `Starts a ${population}'s login (OpenID Connect, authorization code + PKCE): a browser navigation, not a fetch`,
        tags: ['auth'],
        access: 'public',
        responses: {
          303: {
            description: `To the ${population === 'patient' ? 'patients' : 'professionals'}' identity provider, with a short-lived pre-login cookie; it comes back to /auth/${segment}/callback, which opens the session (cookie) and leads to the app`,
            headers: { Location: 'The identity provider’s authorization URL' },
          },
          429: {
            description: 'Too many logins from this address (French page, Retry-After)',
            mediaType: 'text/html',
          },
          502: { description: 'The identity provider does not answer (French page)', mediaType: 'text/html' },
        },
        async handler({ request, reply }) {
          const cookie = auth.cookies.login;
          const started = await auth.login.start(
            population,
            requestContext(request),
            request.cookies[cookie.name],
          );
          if (started.kind === 'rate-limited') {
            return refusalPage(reply, 'RATE_LIMITED', request.id, started.retryAfterSeconds);
          }
          if (started.kind === 'failure') return refusalPage(reply, started.reason, request.id);
          return reply
            .setCookie(cookie.name, started.browserId, cookie.options())
            .header('cache-control', 'no-store')
            .redirect(started.url.href, 303);
        },
      });

      server.get(
        `/auth/${segment}/callback`,
        { logSerializers: { req: pathOnly } },
        async (request, reply) => {
          const callbackUrl = new URL(request.url, auth.publicUrl());
          const browserId = request.cookies[auth.cookies.login.name];
          const done = await auth.login.complete(population, callbackUrl, browserId, requestContext(request));
          // The pre-login cookie stays until it expires: a login started in another tab may still
          // come back. It grants nothing by itself.
          if (done.kind === 'rate-limited') {
            return refusalPage(reply, 'RATE_LIMITED', request.id, done.retryAfterSeconds);
          }
          if (done.kind === 'failure') return refusalPage(reply, done.reason, request.id);
          // A new id at every login; the session this browser had before (if any) ends.
          if (request.auth) await auth.login.logout(request.auth.sessionId, requestContext(request));
          const cookie = auth.cookies.session;
          return reply
            .setCookie(cookie.name(), done.sessionId, cookie.options())
            .header('cache-control', 'no-store')
            .redirect(appPathFor(population), 303);
        },
      );
    }

    api.route(server, {
      method: 'POST',
      url: '/auth/logout',
      summary:
        'Ends the session everywhere and clears its cookie (X-CSRF-Token, as for every state-changing request with a session)',
      tags: ['auth'],
      access: 'session',
      responses: {
        204: { description: 'The session is over (also when there was none)' },
        303: {
          description:
            'A plain HTML form post (application/x-www-form-urlencoded, `csrf` field) goes back home',
          headers: { Location: '/' },
        },
      },
      async handler({ request, reply }) {
        if (request.auth) await auth.login.logout(request.auth.sessionId, requestContext(request));
        const cookie = auth.cookies.session;
        reply.clearCookie(cookie.name(), cookie.options()).header('cache-control', 'no-store');
        // A plain HTML form (the home page) goes back home; an API client gets an empty answer.
        const fromForm = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
        return fromForm ? reply.redirect('/', 303) : reply.status(204).send();
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/me',
      summary:
        'Who is calling: the session identity (with its CSRF token) or the pharmacy software credential',
      tags: ['auth'],
      access: 'session-or-credential',
      responses: {
        200: {
          description: 'The caller',
          schema: z.looseObject({ population: z.enum(['patient', 'professional', 'pharmacy-software']) }),
        },
      },
      async handler({ request, reply }) {
        if (!request.auth && request.credential) {
          reply.header('cache-control', 'no-store');
          return { population: 'pharmacy-software', ...request.credential };
        }
        if (!request.auth) {
          throw new DomainError(
            'AUTH_REQUIRED',
            request.authExpired
              ? 'Votre session a expiré : reconnectez-vous.'
              : 'Vous devez vous connecter pour accéder à cette ressource.',
          );
        }
        const { session } = request.auth;
        reply.header('cache-control', 'no-store');
        return {
          ...(await identityJson(session.identity, auth.directory)),
          csrfToken: session.csrfToken,
          session: { createdAt: session.createdAt, expiresAt: session.expiresAt },
        };
      },
    });
  };
}
