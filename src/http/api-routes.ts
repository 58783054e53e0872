import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../domain-error.ts';

/**
 * API routes declared once, with the zod schemas that validate them; the OpenAPI document
 * (`GET /api/openapi.json`) is generated from the same declarations, so it cannot drift from what
 * the server accepts. A request that fails validation answers 400 `VALIDATION_ERROR` with the
 * offending fields (paths only, never the values: they may hold personal data).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route, as the document's `security` says. */
export type RouteAccess = 'public' | 'session' | 'session-or-credential';

export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType;
}

export interface ApiRoute<P, Q, B> {
  method: HttpMethod;
  /** Fastify syntax: `/api/pharmacies/:finess/credentials`. */
  url: string;
  summary: string;
  tags: string[];
  access: RouteAccess;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  responses: Record<number, ApiResponseDoc>;
  handler(input: {
    params: P;
    query: Q;
    body: B;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown>;
}

export interface ApiRegistry {
  route<P = undefined, Q = undefined, B = undefined>(server: FastifyInstance, route: ApiRoute<P, Q, B>): void;
  document(info: { title: string; version: string }): Record<string, unknown>;
}

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine code, e.g. PHARMACY_NOT_ELIGIBLE'),
      message: z.string().describe('French, for the user'),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => [where, ...issue.path.map(String)].join('.'));
  throw new DomainError('VALIDATION_ERROR', 'Requête invalide : vérifiez les champs signalés.', { fields });
}

const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

const SECURITY: Record<RouteAccess, unknown[]> = {
  public: [],
  session: [{ session: [] }],
  'session-or-credential': [{ session: [] }, { pharmacySoftware: [] }],
};

export function createApiRegistry(): ApiRegistry {
  const routes: ApiRoute<unknown, unknown, unknown>[] = [];
  return {
    route(server, route) {
      routes.push(route as ApiRoute<unknown, unknown, unknown>);
      server.route({
        method: route.method,
        url: route.url,
        handler: async (request, reply) => {
          const params = validate(route.params, request.params, 'params');
          const query = validate(route.query, request.query, 'query');
          const body = validate(route.body, request.body, 'body');
          return route.handler({ params, query, body, request, reply });
        },
      });
    },

    document(info) {
      const paths: Record<string, Record<string, unknown>> = {};
      for (const route of routes) {
        const path = openApiPath(route.url);
        paths[path] ??= {};
        const responses = Object.fromEntries(
          Object.entries(route.responses).map(([status, doc]) => [
            status,
            {
              description: doc.description,
              ...(doc.schema && {
                content: { 'application/json': { schema: jsonSchema(doc.schema, 'output') } },
              }),
            },
          ]),
        );
        (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = {
          summary: route.summary,
          tags: route.tags,
          security: SECURITY[route.access],
          parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
          ...(route.body && {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }),
          responses: {
            ...responses,
            default: {
              description: 'Error',
              content: { 'application/json': { schema: jsonSchema(errorResponse, 'output') } },
            },
          },
        };
      }
      return {
        openapi: '3.1.0',
        info,
        paths,
        components: {
          securitySchemes: {
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: 'officine_session',
              description:
                'Browser session (OpenID Connect login); state-changing requests also need X-CSRF-Token',
            },
            pharmacySoftware: {
              type: 'http',
              scheme: 'bearer',
              description: 'API credential of a pharmacy (omss_…)',
            },
          },
        },
      };
    },
  };
}
