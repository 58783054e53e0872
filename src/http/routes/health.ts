import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { App } from '../../app.ts';
import { DomainError } from '../../domain-error.ts';

/** `GET /api/health`: `{"status":"ok"}` when the store answers. */
export function healthRoutes(app: App): FastifyPluginAsync {
  return async (server) => {
    server.get('/api/health', async () => {
      try {
        await sql`select 1`.execute(app.store.db);
      } catch {
        throw new DomainError('STORE_UNAVAILABLE', 'La base de données ne répond pas.');
      }
      return { status: 'ok' };
    });
  };
}
