import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { App } from '../app.ts';
import type { Logger } from '../logger.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { homeRoutes } from './routes/home.ts';

/** Fastify assembly: limits, request ids, error mapping and the route modules. */
export function buildHttpServer(app: App, logger: Logger): FastifyInstance {
  const server = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    genReqId: () => uuidv7(),
  });
  server.setErrorHandler(errorHandler);
  server.setNotFoundHandler(notFoundHandler);
  server.register(healthRoutes(app));
  server.register(homeRoutes());
  return server;
}
