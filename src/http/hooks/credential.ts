import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.ts';
import { suspendedError } from '../../auth/credential-standing.ts';
import { DomainError } from '../../domain-error.ts';

/**
 * Pharmacy software authenticates with `Authorization: Bearer omss_…` (an API credential a
 * titulaire created). The credential acts for its own pharmacy only: `request.credential`. A bad,
 * unknown or revoked token is refused (401 `INVALID_CREDENTIAL`), a suspended one — no current
 * titulaire answers for it, or the pharmacy has no mailbox any more, as the directory says at this
 * request — with 403 `CREDENTIAL_SUSPENDED`; both are audited. Such requests carry no ambient
 * cookie authority, so the CSRF check does not concern them.
 */
export interface RequestCredential {
  credentialId: string;
  finess: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    credential: RequestCredential | null;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

export function credentialHook(app: App): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (server: FastifyInstance) => {
    server.decorateRequest('credential', null);
    server.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header === undefined || request.url.startsWith('/idp')) return;
      const token = BEARER.exec(header)?.[1];
      const found = token ? await app.apiCredentials.authenticate(token) : null;
      if (found?.status === 'active') {
        request.credential = { credentialId: found.credentialId, finess: found.finess };
        return;
      }
      await app.audit.record({
        actor: found
          ? { kind: 'api-credential', credentialId: found.credentialId, finess: found.finess }
          : { kind: 'anonymous' },
        action: 'auth.refused',
        target: request.routeOptions.url ?? null,
        requestId: request.id,
        result: 'denied',
        reason: found ? 'CREDENTIAL_SUSPENDED' : 'INVALID_CREDENTIAL',
      });
      if (found) throw suspendedError(found.reason);
      throw new DomainError(
        'INVALID_CREDENTIAL',
        "Accès logiciel refusé : identifiant d'accès inconnu, invalide ou révoqué.",
      );
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
