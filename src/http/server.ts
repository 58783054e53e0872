import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { App } from '../app.ts';
import type { Logger } from '../logger.ts';
import { createApiRegistry } from './api-routes.ts';
import { type AuthRuntime, createAuthRuntime } from './auth-runtime.ts';
import { guardBodyRate } from './body-rate.ts';
import { defaultMaxConnections, limitConnections, trustedPeer } from './connection-limits.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { credentialHook } from './hooks/credential.ts';
import { csrfHook } from './hooks/csrf.ts';
import { addSecurityHeaders } from './hooks/security-headers.ts';
import { sessionHook } from './hooks/session.ts';
import { authRoutes } from './routes/auth.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { homeRoutes } from './routes/home.ts';
import { idpRoutes } from './routes/idp.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { patientMessagingRoutes } from './routes/patient-messaging.ts';
import { teamMessagingRoutes } from './routes/team-messaging.ts';
import { teamTemplateRoutes } from './routes/team-templates.ts';
import { webAppRoutes } from './routes/web-apps.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Login, sessions and the bundled identity provider, as this server runs them. */
    officineAuth: AuthRuntime;
  }
}

/** A hop count trusts that many proxies nearest to the server (Fastify's types take it as a function). */
function trustProxy(value: boolean | number | string) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

/**
 * Fastify assembly: limits, request ids, the client IP (from proxy headers only with
 * TRUST_PROXY), security headers, cookies, the session and CSRF hooks, error mapping and the
 * route modules.
 */
export function buildHttpServer(app: App, logger: Logger): FastifyInstance {
  const limits = app.config.http;
  const server = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    genReqId: () => uuidv7(),
    trustProxy: trustProxy(app.config.trustProxy),
    // Socket bounds (design note §3.8). Headers: Node's headersTimeout, checked often enough to
    // hold to it. Bodies: a minimum rate (body-rate.ts) rather than Node's requestTimeout, a total
    // that would cut a slow phone's upload. No idle-socket timeout: it would cut an event stream
    // between heartbeats, or an upload while the server processes its previous file.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  });
  limitConnections(
    server.server,
    {
      maxConnections: limits.maxConnections ?? defaultMaxConnections(),
      maxPerAddress: limits.maxConnectionsPerAddress,
    },
    trustedPeer(app.config.trustProxy),
    (key) => logger.warn({ address: key }, 'connection refused: too many from one address'),
  );
  const bodyRate = { stallMs: limits.bodyStallMs, minBytesPerSecond: limits.bodyMinBytesPerSecond };
  server.addHook('onRequest', async (request) => {
    guardBodyRate(request.raw, bodyRate, () => request.log.info('request body too slow: connection closed'));
  });
  addSecurityHeaders(server, app.config.publicUrl);
  const auth = createAuthRuntime(app, server, logger);
  server.decorate('officineAuth', auth);
  server.setErrorHandler(errorHandler);
  server.setNotFoundHandler(notFoundHandler);
  server.register(cookie);
  // Uploads (src/attachments/limits.ts): the pipeline enforces the per-file and per-message caps
  // while streaming, with its own codes; these are the parser's outer bounds, one step beyond.
  const uploads = app.config.attachments;
  server.register(multipart, {
    limits: {
      fileSize: uploads.maxFileBytes + 1,
      files: uploads.maxFiles + 1,
      fields: 40,
      fieldSize: 128 * 1024,
      parts: uploads.maxFiles + 41,
    },
  });
  server.register(sessionHook(auth));
  server.register(credentialHook(app));
  server.register(csrfHook(auth));
  const api = createApiRegistry();
  server.register(healthRoutes(app, api));
  server.register(homeRoutes());
  server.register(authRoutes(auth, api));
  server.register(idpRoutes(auth));
  server.register(credentialRoutes(app, api));
  server.register(patientMessagingRoutes(app, api));
  server.register(teamMessagingRoutes(app, api));
  server.register(teamTemplateRoutes(app, api));
  server.register(eventRoutes(app, api));
  server.register(openApiRoutes(api));
  server.register(webAppRoutes(app.config.webDir));
  return server;
}
