import { createRequire } from 'node:module';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiRegistry } from '../api-routes.ts';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** `GET /api/openapi.json`: the OpenAPI document generated from the routes' own schemas. */
export function openApiRoutes(api: ApiRegistry): FastifyPluginAsync {
  return async (server) => {
    server.get('/api/openapi.json', async () => api.document({ title: 'Officine MSS API', version }));
  };
}
