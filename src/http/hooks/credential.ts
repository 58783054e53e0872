import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { App } from '../../app.ts';
import { suspendedError } from '../../auth/credential-standing.ts';
import { DomainError } from '../../domain-error.ts';

/**
 * Pharmacy software authenticates with `Authorization: Bearer omss_…` (an API credential a
 * titulaire created). The credential acts for its own pharmacy only: `request.credential`. A bad,
 * unknown or revoked token is refused (401 `INVALID_CREDENTIAL`), audited summed per client
 * address and window (src/audit/refusals.ts); a suspended one — no current titulaire answers for
 * it, or the pharmacy has no mailbox any more, as the directory says at this request — with 403
 * `CREDENTIAL_SUSPENDED`, audited one by one. Such requests carry no ambient cookie authority, so
 * the CSRF check does not concern them.
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
      const refusal = {
        target: request.routeOptions.url ?? null,
        requestId: request.id,
        action: 'auth.refused',
        result: 'denied' as const,
      };
      if (found) {
        await app.audit.record({
          ...refusal,
          actor: { kind: 'api-credential', credentialId: found.credentialId, finess: found.finess },
          reason: 'CREDENTIAL_SUSPENDED',
        });
        throw suspendedError(found.reason);
      }
      await server.officineAuth.refusals.record(
        { ...refusal, actor: { kind: 'anonymous' }, reason: 'INVALID_CREDENTIAL' },
        request.ip,
      );
      throw new DomainError(
        'INVALID_CREDENTIAL',
        "Accès logiciel refusé : identifiant d'accès inconnu, invalide ou révoqué.",
      );
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
