import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Session } from '../../auth/sessions.ts';
import type { AuthRuntime } from '../auth-runtime.ts';

/**
 * Resolves the session cookie of every request into `request.auth` (null when anonymous). An
 * expired session is deleted, audited (`auth.session-expired`) and its cookie cleared; the request
 * goes on as anonymous, with `request.authExpired` set so that a refusal can say why.
 */
export interface RequestAuth {
  sessionId: string;
  session: Session;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
    authExpired: boolean;
  }
}

export function requestContext(request: FastifyRequest) {
  return { ip: request.ip, requestId: request.id };
}

export function sessionHook(auth: AuthRuntime): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (server: FastifyInstance) => {
    server.decorateRequest('auth', null);
    server.decorateRequest('authExpired', false);
    server.addHook('onRequest', async (request, reply) => {
      const cookie = auth.cookies.session;
      const id = request.cookies[cookie.name()];
      if (!id) return;
      const found = await auth.sessions.resolve(id);
      if (found.status === 'active') {
        request.auth = { sessionId: id, session: found.session };
        return;
      }
      if (found.status === 'expired') {
        request.authExpired = true;
        await auth.login.expired(found.identity, found.reason, requestContext(request));
      }
      reply.clearCookie(cookie.name(), cookie.options());
    });
  };
  // Like fastify-plugin: the hook applies to every route of the server, not only this plugin's.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
