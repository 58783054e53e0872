import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { actionContext, teamMember } from '../actor.ts';
import type { ApiRegistry } from '../api-routes.ts';
import { finess, id } from '../messaging-schemas.ts';

/** The pharmacy's reply templates, edited by its team (used by replies with `templateId`). */
const TAGS = ['pharmacy team'];
const pharmacyParams = z.object({ finess });
const templateParams = z.object({ finess, templateId: id });
const templateInput = z.object({ title: z.string().max(1000), body: z.string().max(100_000) });
const template = z
  .object({
    id: z.string(),
    finess: z.string(),
    title: z.string(),
    body: z.string(),
    updatedBy: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReplyTemplate' });

export function teamTemplateRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  const templates = app.messaging.templates;
  return async (server) => {
    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/templates',
      summary: "The pharmacy's reply templates",
      tags: TAGS,
      access: 'session-or-credential',
      params: pharmacyParams,
      responses: { 200: { description: 'Templates', schema: z.object({ templates: z.array(template) }) } },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return {
          templates: await templates.list(
            teamMember(request, params.finess),
            params.finess,
            actionContext(request),
          ),
        };
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/templates',
      summary: 'Create a reply template',
      tags: TAGS,
      access: 'session-or-credential',
      params: pharmacyParams,
      body: templateInput,
      responses: { 201: { description: 'Created', schema: template } },
      async handler({ params, body, request, reply }) {
        const created = await templates.create(
          teamMember(request, params.finess),
          params.finess,
          body,
          actionContext(request),
        );
        return reply.status(201).header('cache-control', 'no-store').send(created);
      },
    });

    api.route(server, {
      method: 'PUT',
      url: '/api/pharmacies/:finess/templates/:templateId',
      summary: 'Edit a reply template',
      tags: TAGS,
      access: 'session-or-credential',
      params: templateParams,
      body: templateInput,
      responses: { 200: { description: 'Saved', schema: template } },
      async handler({ params, body, request, reply }) {
        reply.header('cache-control', 'no-store');
        return templates.update(
          teamMember(request, params.finess),
          params.templateId,
          body,
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'DELETE',
      url: '/api/pharmacies/:finess/templates/:templateId',
      summary: 'Delete a reply template',
      tags: TAGS,
      access: 'session-or-credential',
      params: templateParams,
      responses: { 204: { description: 'Deleted' } },
      async handler({ params, request, reply }) {
        await templates.remove(teamMember(request, params.finess), params.templateId, actionContext(request));
        return reply.status(204).send();
      },
    });
  };
}
