import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { DomainError } from '../../domain-error.ts';
import type { ApiRegistry } from '../api-routes.ts';

/** `GET /api/health`: `{"status":"ok"}` when the store answers, 503 `STORE_UNAVAILABLE` otherwise. */
export function healthRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  return async (server) => {
    api.route(server, {
      method: 'GET',
      url: '/api/health',
      summary: 'Service health: the store answers',
      tags: ['operations'],
      access: 'public',
      responses: { 200: { description: 'The store answers', schema: z.object({ status: z.literal('ok') }) } },
      async handler() {
        try {
          await sql`select 1`.execute(app.store.db);
        } catch {
          throw new DomainError('STORE_UNAVAILABLE', 'La base de données ne répond pas.');
        }
        return { status: 'ok' as const };
      },
    });
  };
}
