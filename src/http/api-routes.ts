import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../domain-error.ts';
import { type FileSink, readMultipart } from './multipart-reader.ts';

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
  /** A JSON body. */
  schema?: z.ZodType;
  /** A body that is not JSON (an HTML page): its media type. */
  mediaType?: string;
  /** Headers that matter to the client (a redirect's Location), each with its description. */
  headers?: Record<string, string>;
}

/**
 * A route that also takes `multipart/form-data` (with @fastify/multipart registered): the text
 * fields come first and are validated by `body`, as a JSON body would be (a field given once
 * where the schema wants a list becomes a one-item list), before the first file is read; the
 * files are then received (streamed to temp files, never buffered here) and only processed once
 * the whole body is in and prechecked. See multipart-reader.ts for what is refused.
 */
export interface MultipartFiles<F> {
  /** The form field of the files. */
  field: string;
  description: string;
  /** One receiver per request. */
  receiver(request: FastifyRequest): MultipartReceiver<F>;
}

export interface MultipartReceiver<F> extends FileSink {
  /** Fingerprints (SHA-256, hex) of the files received, in order, before any processing. */
  received(): readonly string[];
  /** Processes the received files, once the body is complete and prechecked. */
  process(): Promise<F[]>;
  /** Drops what was received and not processed (a refusal, a body cut short). */
  discard(): Promise<void>;
}

export interface ApiRoute<P, Q, B, F = never> {
  method: HttpMethod;
  /** Fastify syntax: `/api/pharmacies/:finess/credentials`. */
  url: string;
  summary: string;
  tags: string[];
  access: RouteAccess;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  multipart?: MultipartFiles<F>;
  /**
   * Checks that need no file, run before anything costly, with the validated body: for a
   * multipart request, at its first file (`files` null: none read yet) and again once the whole
   * body is in (`files`: the received files' SHA-256, nothing processed yet); for a JSON one,
   * before the handler (`files` empty). A refusal here processes and stores nothing.
   */
  precheck?(input: {
    params: P;
    query: Q;
    body: B;
    files: readonly string[] | null;
    request: FastifyRequest;
  }): Promise<void>;
  /** Told of every refusal (a DomainError) of the route, whatever its stage: e.g. to count it. */
  refused?(input: { request: FastifyRequest; error: DomainError }): Promise<void>;
  responses: Record<number, ApiResponseDoc>;
  handler(input: {
    params: P;
    query: Q;
    body: B;
    /** The received files of a multipart request; empty for a JSON one. */
    files: F[];
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown>;
}

export interface ApiRegistry {
  route<P = undefined, Q = undefined, B = undefined, F = never>(
    server: FastifyInstance,
    route: ApiRoute<P, Q, B, F>,
  ): void;
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

/** Names of the properties the body schema wants as lists. */
function listFields(schema: z.ZodType | undefined): Set<string> {
  if (!schema) return new Set();
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, { type?: unknown }> };
  return new Set(
    Object.entries(object.properties ?? {})
      .filter(([, property]) => property.type === 'array')
      .map(([name]) => name),
  );
}

/** Names of the body's properties: the text fields a multipart request may send. */
function fieldNames(schema: z.ZodType | undefined): Set<string> {
  if (!schema) return new Set();
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown> };
  return new Set(Object.keys(object.properties ?? {}));
}

/** The multipart form of a route: its body's fields plus the files. */
function formSchema(body: z.ZodType, multipart: MultipartFiles<unknown>) {
  const object = jsonSchema(body, 'input') as { properties?: Record<string, unknown> };
  return {
    ...object,
    properties: {
      ...object.properties,
      [multipart.field]: {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: multipart.description,
      },
    },
  };
}

const SECURITY: Record<RouteAccess, unknown[]> = {
  public: [],
  session: [{ session: [] }],
  'session-or-credential': [{ session: [] }, { pharmacySoftware: [] }],
};

export function createApiRegistry(): ApiRegistry {
  const routes: ApiRoute<unknown, unknown, unknown>[] = [];
  return {
    route<P, Q, B, F>(server: FastifyInstance, route: ApiRoute<P, Q, B, F>) {
      routes.push(route as unknown as ApiRoute<unknown, unknown, unknown>);
      const lists = listFields(route.body);
      const names = fieldNames(route.body);
      const handle = async (request: FastifyRequest, reply: FastifyReply) => {
        const params = validate(route.params, request.params, 'params');
        const query = validate(route.query, request.query, 'query');
        const precheck = async (body: B, files: readonly string[] | null) => {
          await route.precheck?.({ params, query, body, files, request });
        };
        if (route.multipart && request.isMultipart()) {
          const receiver = route.multipart.receiver(request);
          try {
            // The body as validated at the first file, if any.
            const early: { body?: B } = {};
            const fields = await readMultipart(request, {
              fileField: route.multipart.field,
              fieldNames: names,
              lists,
              files: receiver,
              beforeFiles: async (fields) => {
                const body = validate(route.body, fields, 'body');
                early.body = body;
                await precheck(body, null);
              },
            });
            const body = 'body' in early ? (early.body as B) : validate(route.body, fields, 'body');
            await precheck(body, receiver.received());
            const files = await receiver.process();
            return await route.handler({ params, query, body, files, request, reply });
          } catch (error) {
            await receiver.discard();
            if (error instanceof DomainError && error.code === 'UPLOAD_INCOMPLETE')
              request.log.info({ code: error.code }, 'upload incomplete: its files were dropped');
            throw error;
          }
        }
        const body = validate(route.body, request.body, 'body');
        await precheck(body, []);
        return route.handler({ params, query, body, files: [], request, reply });
      };
      server.route({
        method: route.method,
        url: route.url,
        handler: async (request, reply) => {
          try {
            return await handle(request, reply);
          } catch (error) {
            if (error instanceof DomainError && route.refused) {
              await route.refused({ request, error }).catch((failure: unknown) => {
                request.log.warn({ err: { type: (failure as Error)?.name } }, 'refusal not counted');
              });
            }
            throw error;
          }
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
              ...(doc.headers && {
                headers: Object.fromEntries(
                  Object.entries(doc.headers).map(([name, description]) => [
                    name,
                    { description, schema: { type: 'string' } },
                  ]),
                ),
              }),
              ...(doc.schema && {
                content: { 'application/json': { schema: jsonSchema(doc.schema, 'output') } },
              }),
              ...(doc.mediaType && { content: { [doc.mediaType]: { schema: { type: 'string' } } } }),
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
              // A body schema that accepts no body at all (`.optional()`) documents an optional body.
              required: !route.body.safeParse(undefined).success,
              content: {
                'application/json': { schema: jsonSchema(route.body, 'input') },
                ...(route.multipart && {
                  'multipart/form-data': { schema: formSchema(route.body, route.multipart) },
                }),
              },
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
