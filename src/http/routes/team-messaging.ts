import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import type { PreparationStatus } from '../../messaging/conversation.ts';
import { TEAM_FILTERS } from '../../messaging/listing.ts';
import { actionContext, teamMember } from '../actor.ts';
import type { ApiRegistry } from '../api-routes.ts';
import { messageFiles } from '../message-files.ts';
import {
  detail,
  finess,
  IDEMPOTENCY_NOTE,
  id,
  page,
  pageQuery,
  sendResult,
  teamConversation,
} from '../messaging-schemas.ts';
import { sendAttachment } from './attachment-download.ts';

/**
 * The pharmacy team's side of messaging, for a professional's session or the pharmacy's software
 * credential: the organisational mailbox's conversations, reading (read state per person),
 * claim, hand-over, preparation status, replies, close, attachments and e-prescription lines.
 * Which pharmacy a member acts for is checked by the use cases, at every action.
 */
const TAGS = ['pharmacy team'];
const pharmacyParams = z.object({ finess });
const conversationParams = z.object({ finess, id });
const statusBody = z.discriminatedUnion('status', [
  z.object({ status: z.enum(['received', 'in_preparation', 'ready', 'collected']) }),
  z.object({ status: z.literal('partial'), restExpectedOn: z.string().describe('YYYY-MM-DD') }),
  z.object({ status: z.literal('cannot_fill'), reason: z.string().max(1000) }),
]);
const prescription = z.object({
  number: z.string(),
  prescriber: z.string(),
  issuedOn: z.string(),
  lines: z.array(z.object({ label: z.string(), quantity: z.string(), posology: z.string() })),
});
const summary = { 200: { description: 'The conversation as this member sees it', schema: teamConversation } };

function preparationStatus(body: z.infer<typeof statusBody>): PreparationStatus {
  switch (body.status) {
    case 'partial':
      return { code: 'partial', restExpectedOn: body.restExpectedOn };
    case 'cannot_fill':
      return { code: 'cannot_fill', reason: body.reason };
    default:
      return { code: body.status };
  }
}

export function teamMessagingRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  const team = app.messaging.team;
  // A team caller before any upload is read; which pharmacy they act for, the use case checks.
  const uploads = messageFiles(app, (request) => teamMember(request, ''));
  return async (server) => {
    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/conversations',
      summary: "The pharmacy's conversations, newest activity first; `unread` is for the caller only",
      tags: TAGS,
      access: 'session-or-credential',
      params: pharmacyParams,
      query: z.object({ filter: z.enum(TEAM_FILTERS).optional(), ...pageQuery }),
      responses: { 200: { description: 'One page', schema: page(teamConversation) } },
      async handler({ params, query, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.listConversations(
          teamMember(request, params.finess),
          params.finess,
          query,
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/conversations/:id',
      summary:
        'Open a conversation: its messages; marks it read for the caller only, unless `markRead=false` (a refresh of what is on screen, audited the same)',
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      query: z.object({
        markRead: z
          .enum(['true', 'false'])
          .optional()
          .describe('`false`: read without marking it read (default `true`)'),
      }),
      responses: { 200: { description: 'The conversation', schema: detail(teamConversation) } },
      async handler({ params, query, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.open(teamMember(request, params.finess), params.id, actionContext(request), {
          markRead: query.markRead !== 'false',
        });
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/conversations/:id/claim',
      summary: "Claim a conversation (« je m'en occupe »)",
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      responses: summary,
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.claim(teamMember(request, params.finess), params.id, actionContext(request));
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/conversations/:id/hand-over',
      summary: 'Hand a conversation over to a colleague of the same pharmacy',
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      body: z.object({ rpps: z.string().max(20).describe("The colleague's RPPS") }),
      responses: summary,
      async handler({ params, body, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.handOver(
          teamMember(request, params.finess),
          params.id,
          body.rpps,
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/conversations/:id/status',
      summary: 'Set the preparation status the patient sees',
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      body: statusBody,
      responses: summary,
      async handler({ params, body, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.setStatus(
          teamMember(request, params.finess),
          params.id,
          preparationStatus(body),
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/conversations/:id/messages',
      summary: `Reply to the patient, with a text or one of the pharmacy's templates. ${IDEMPOTENCY_NOTE}`,
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      body: z.object({ text: z.string().max(100_000).optional(), templateId: id.optional() }),
      multipart: uploads,
      // Before the files: a reply to a closed conversation, or another pharmacy's, processes nothing.
      precheck: ({ params, body, files, request }) =>
        team.precheckReply(
          teamMember(request, params.finess),
          params.id,
          { ...body, files },
          actionContext(request, true),
        ),
      // Every refused reply counts against the member's refused-sends quota.
      refused: async ({ request, error }) => {
        const params = request.params as { finess?: unknown };
        if (request.auth?.session.identity?.population === 'professional' || request.credential)
          await team.countRefusedSend(teamMember(request, String(params.finess)), error);
      },
      responses: { 201: { description: 'Sent', schema: sendResult(teamConversation) } },
      async handler({ params, body, files, request, reply }) {
        const sent = await team.reply(
          teamMember(request, params.finess),
          params.id,
          {
            attachments: files,
            ...(body.text !== undefined && { text: body.text }),
            ...(body.templateId && { templateId: body.templateId }),
          },
          actionContext(request, true),
        );
        return reply.status(201).header('cache-control', 'no-store').send(sent);
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/pharmacies/:finess/conversations/:id/close',
      summary: 'Close a conversation, with an optional last message: the patient can no longer write in it',
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams,
      body: z.object({ text: z.string().max(100_000).optional() }).optional(),
      responses: summary,
      async handler({ params, body, request, reply }) {
        reply.header('cache-control', 'no-store');
        return team.close(
          teamMember(request, params.finess),
          params.id,
          body?.text === undefined ? {} : { text: body.text },
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/conversations/:id/prescriptions/:number',
      summary: 'An e-prescription sent in the conversation, with its lines from the e-prescription base',
      tags: TAGS,
      access: 'session-or-credential',
      params: conversationParams.extend({ number: z.string().max(100) }),
      responses: { 200: { description: 'The prescription', schema: prescription } },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return app.messaging.prescriptions.lookup(
          teamMember(request, params.finess),
          params.id,
          params.number,
          actionContext(request),
        );
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/attachments/:attachmentId',
      summary: "Download an attachment of one of the pharmacy's conversations",
      tags: TAGS,
      access: 'session-or-credential',
      params: z.object({ finess, attachmentId: id }),
      responses: { 200: { description: 'The file, as a download (nosniff, sandboxing CSP)' } },
      async handler({ params, request, reply }) {
        const found = await team.attachment(
          teamMember(request, params.finess),
          params.attachmentId,
          actionContext(request),
        );
        return sendAttachment(reply, app.blobs, found);
      },
    });
  };
}
