import type { Readable } from 'node:stream';
import type {} from '@fastify/multipart';
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
  /** A JSON body. */
  schema?: z.ZodType;
  /** A body that is not JSON (an HTML page): its media type. */
  mediaType?: string;
  /** Headers that matter to the client (a redirect's Location), each with its description. */
  headers?: Record<string, string>;
}

/**
 * A route that also takes `multipart/form-data` (with @fastify/multipart registered): the text
 * fields are validated by `body`, as a JSON body would be (a field given once where the schema
 * wants a list becomes a one-item list); each file is handed to the route's receiver as it
 * arrives, streamed, never buffered here.
 */
export interface MultipartFiles<F> {
  /** The form field of the files. */
  field: string;
  description: string;
  /** One receiver per request; `file` is called for each file, in order. */
  receiver(request: FastifyRequest): { file(stream: Readable, fileName: string): Promise<F> };
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
   * Cheap checks that need no file, run before anything costly: before the first file of a
   * multipart request is read (with the text fields that came before it, unvalidated), or before
   * the handler otherwise (with the validated body). A refusal here processes and stores nothing.
   */
  precheck?(input: {
    params: P;
    query: Q;
    fields: Readonly<Record<string, unknown>>;
    request: FastifyRequest;
  }): Promise<void>;
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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

type Fields = Record<string, string | string[]>;

/**
 * Reads a multipart request: its text fields as an object, its files through the receiver;
 * `precheck` runs before the first file is read, if any (`prechecked`).
 */
async function readMultipart<F>(
  request: FastifyRequest,
  multipart: MultipartFiles<F>,
  lists: Set<string>,
  precheck: (fields: Readonly<Fields>) => Promise<void>,
): Promise<{ fields: Fields; files: F[]; prechecked: boolean }> {
  const fields: Fields = {};
  const files: F[] = [];
  const receiver = multipart.receiver(request);
  let prechecked = false;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== multipart.field) {
        part.file.resume();
        throw new DomainError('VALIDATION_ERROR', 'Requête invalide : vérifiez les champs signalés.', {
          fields: [`body.${part.fieldname}`],
        });
      }
      if (!prechecked) {
        prechecked = true;
        try {
          await precheck(fields);
        } catch (error) {
          part.file.resume();
          throw error;
        }
      }
      files.push(await receiver.file(part.file, part.filename));
      continue;
    }
    const value = String(part.value);
    const previous = fields[part.fieldname];
    if (previous === undefined) fields[part.fieldname] = lists.has(part.fieldname) ? [value] : value;
    else fields[part.fieldname] = [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return { fields, files, prechecked };
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
    route(server, route) {
      routes.push(route as unknown as ApiRoute<unknown, unknown, unknown>);
      const lists = listFields(route.body);
      server.route({
        method: route.method,
        url: route.url,
        handler: async (request, reply) => {
          const params = validate(route.params, request.params, 'params');
          const query = validate(route.query, request.query, 'query');
          const precheck = async (fields: Readonly<Record<string, unknown>>) => {
            await route.precheck?.({ params, query, fields, request });
          };
          if (route.multipart && request.isMultipart()) {
            const read = await readMultipart(request, route.multipart, lists, precheck);
            const { fields, files } = read;
            const body = validate(route.body, fields, 'body');
            if (!read.prechecked) await precheck(isRecord(body) ? body : {});
            return route.handler({ params, query, body, files, request, reply });
          }
          const body = validate(route.body, request.body, 'body');
          await precheck(isRecord(body) ? body : {});
          return route.handler({ params, query, body, files: [], request, reply });
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
