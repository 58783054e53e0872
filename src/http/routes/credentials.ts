import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import type { CredentialManager } from '../../auth/api-credentials.ts';
import { professionalSession } from '../actor.ts';
import type { ApiRegistry } from '../api-routes.ts';

/**
 * API credentials of a pharmacy, managed by its titulaire through their session:
 * list (never the secrets; who created each one and whether they still work here), create (the
 * token is shown once), confirm (a suspended one acts again), revoke.
 */
const finessParams = z.object({
  finess: z
    .string()
    .regex(/^(?:\d{2}|2A|2B)\d{7}$/)
    .describe('Site FINESS'),
});
const credentialParams = finessParams.extend({ id: z.uuid() });
const person = z.object({
  rpps: z.string(),
  name: z.string().nullable().describe('As the directory knows them; null when it does not'),
  role: z
    .enum(['titulaire', 'adjoint', 'preparateur'])
    .nullable()
    .describe('Their role at this pharmacy now; null: no longer a member'),
});
const credential = z.object({
  id: z.uuid(),
  finess: z.string(),
  name: z.string(),
  createdBy: z.string().describe('RPPS of the titulaire who created it'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  creator: person,
  confirmedBy: person
    .nullable()
    .describe('The titulaire who confirmed it after its creator stopped being one'),
  confirmedAt: z.string().nullable(),
  status: z
    .enum(['active', 'suspended', 'revoked'])
    .describe(
      'suspended: refused (403 CREDENTIAL_SUSPENDED) until a current titulaire confirms or revokes it',
    ),
  suspension: z
    .enum(['RESPONSIBLE_NOT_TITULAIRE', 'NO_MAILBOX'])
    .nullable()
    .describe(
      'Why it is suspended: who answers for it is no longer a titulaire here, or the pharmacy has no mailbox',
    ),
});

/** Whether they are a titulaire of the pharmacy is the service's question, to the directory. */
function manager(request: FastifyRequest): CredentialManager {
  return { rpps: professionalSession(request).rpps };
}

export function credentialRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  return async (server) => {
    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/credentials',
      summary: "List the pharmacy software credentials of one's pharmacy (titulaire)",
      tags: ['pharmacy software'],
      access: 'session',
      params: finessParams,
      responses: {
        200: {
          description: 'The credentials, newest first',
          schema: z.object({ credentials: z.array(credential) }),
        },
      },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return {
          credentials: await app.apiCredentials.list(manager(request), params.finess, {
            requestId: request.id,
          }),
        };
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/credentials',
      summary: 'Create a pharmacy software credential; the token is returned once',
      tags: ['pharmacy software'],
      access: 'session',
      params: finessParams,
      body: z.object({ name: z.string().max(200) }),
      responses: {
        201: {
          description: 'Created',
          schema: z.object({ credential, token: z.string().describe('omss_…, shown once') }),
        },
      },
      async handler({ params, body, request, reply }) {
        const created = await app.apiCredentials.create(manager(request), params.finess, body.name, {
          requestId: request.id,
        });
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/credentials/:id/confirm',
      summary: 'Answer for a credential as a current titulaire: a suspended one acts again',
      tags: ['pharmacy software'],
      access: 'session',
      params: credentialParams,
      responses: { 200: { description: 'Confirmed', schema: z.object({ credential }) } },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return {
          credential: await app.apiCredentials.confirm(manager(request), params.finess, params.id, {
            requestId: request.id,
          }),
        };
      },
    });

    api.route(server, {
      method: 'DELETE',
      url: '/api/pharmacies/:finess/credentials/:id',
      summary: 'Revoke a pharmacy software credential',
      tags: ['pharmacy software'],
      access: 'session',
      params: credentialParams,
      responses: { 204: { description: 'Revoked' } },
      async handler({ params, request, reply }) {
        await app.apiCredentials.revoke(manager(request), params.finess, params.id, {
          requestId: request.id,
        });
        return reply.status(204).send();
      },
    });
  };
}
