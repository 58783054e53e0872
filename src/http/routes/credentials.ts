import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import type { CredentialManager } from '../../auth/api-credentials.ts';
import { DomainError } from '../../domain-error.ts';

/**
 * API credentials of a pharmacy, managed by its titulaire through their session:
 * - `GET /api/pharmacies/:finess/credentials` → the list (never the secrets);
 * - `POST /api/pharmacies/:finess/credentials` `{ "name": "…" }` → 201 with the token, shown once;
 * - `DELETE /api/pharmacies/:finess/credentials/:id` → 204.
 */
const params = z.object({ finess: z.string().regex(/^(?:\d{2}|2A|2B)\d{7}$/) });
const credentialParams = params.extend({ id: z.uuid() });
const createBody = z.object({ name: z.string() });

function manager(request: FastifyRequest): CredentialManager {
  const identity = request.auth?.session.identity;
  if (identity?.population !== 'professional') {
    throw new DomainError(
      'AUTH_REQUIRED',
      'Connectez-vous avec votre carte CPS ou e-CPS pour gérer les accès.',
    );
  }
  return { rpps: identity.rpps, memberships: identity.memberships };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new DomainError('VALIDATION_ERROR', 'Requête invalide : vérifiez les champs envoyés.');
  return result.data;
}

export function credentialRoutes(app: App): FastifyPluginAsync {
  return async (server) => {
    server.get('/api/pharmacies/:finess/credentials', async (request, reply) => {
      const { finess } = parse(params, request.params);
      reply.header('cache-control', 'no-store');
      return {
        credentials: await app.apiCredentials.list(manager(request), finess, { requestId: request.id }),
      };
    });

    server.post('/api/pharmacies/:finess/credentials', async (request, reply) => {
      const { finess } = parse(params, request.params);
      const { name } = parse(createBody, request.body);
      const created = await app.apiCredentials.create(manager(request), finess, name, {
        requestId: request.id,
      });
      return reply.status(201).header('cache-control', 'no-store').send(created);
    });

    server.delete('/api/pharmacies/:finess/credentials/:id', async (request, reply) => {
      const { finess, id } = parse(credentialParams, request.params);
      await app.apiCredentials.revoke(manager(request), finess, id, { requestId: request.id });
      return reply.status(204).send();
    });
  };
}
