import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { DomainError } from '../../domain-error.ts';
import type { OpenedFeed } from '../../notifications/event-streams.ts';
import { startJournalStream } from '../../notifications/stream.ts';
import { createStreamRegistry } from '../../notifications/stream-registry.ts';
import { patientSession, professionalSession } from '../actor.ts';
import type { ApiRegistry } from '../api-routes.ts';
import { requestContext } from '../hooks/session.ts';
import { finess } from '../messaging-schemas.ts';
import { responseSink } from '../sse-sink.ts';

/**
 * The real-time channel (design note §3.3): a pharmacy's mailbox journal for a professional of
 * that pharmacy, a patient's own journal for the patient, as Server-Sent Events (wire format in
 * src/notifications/stream.ts). Browser sessions only: the request must come from our own origin
 * (`Origin`, when sent, equal to PUBLIC_URL's; never `Sec-Fetch-Site: cross-site`). The session
 * and the membership are checked at the opening and again before anything is sent.
 */
const TAGS = ['real time'];
const seqText = z.string().regex(/^\d{1,15}$/);
const resumeQuery = z.object({
  lastEventId: seqText
    .optional()
    .describe('Resume after this seq (a manual reconnection); the Last-Event-ID header wins'),
});
const STREAM_DOC =
  'text/event-stream: `retry: 2000`, then `event: journal` (id = seq; data {seq, kind, conversationId, at}) ' +
  'for each entry after Last-Event-ID, `event: ready` (data {seq, …}), live entries, `: ping` ' +
  'heartbeats, and `event: end` (data {reason: SESSION_ENDED | REPLACED | SHUTDOWN}) before the server closes it';

/** `Last-Event-ID` (sent by EventSource when it reconnects), else `?lastEventId=`, else null. */
function lastEventId(request: FastifyRequest, query: string | undefined): number | null {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && seqText.safeParse(header.trim()).success) return Number(header.trim());
  return query === undefined ? null : Number(query);
}

export function eventRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  const { realtime } = app.config;
  return async (server) => {
    const auth = server.officineAuth;
    const streams = createStreamRegistry(realtime.maxStreamsPerPerson);
    // Before the server stops listening: every stream ends, so closing does not wait on them.
    server.addHook('preClose', async () => streams.endAll('SHUTDOWN'));

    const checkOrigin = async (request: FastifyRequest) => {
      const origin = request.headers.origin;
      const ours = new URL(auth.publicUrl()).origin;
      if ((origin === undefined || origin === ours) && request.headers['sec-fetch-site'] !== 'cross-site')
        return;
      await auth.login.refused(
        request.auth?.session.identity ?? null,
        'ORIGIN_REJECTED',
        request.routeOptions.url ?? 'unknown-route',
        requestContext(request),
      );
      throw new DomainError(
        'ORIGIN_REJECTED',
        'Connexion refusée : elle ne vient pas d’une page d’Officine MSS.',
      );
    };

    const open = (request: FastifyRequest, reply: FastifyReply, opened: OpenedFeed, after: number | null) => {
      const sessionId = request.auth?.sessionId ?? '';
      // A counter's open stream keeps its session; a patient's forgotten tab does not.
      const countsAsActivity = request.auth?.session.identity.population === 'professional';
      const feed = {
        ...opened.feed,
        allowed: async () =>
          (await auth.sessions.alive(sessionId, { countsAsActivity })) && (await opened.feed.allowed()),
      };
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      reply.raw.flushHeaders();
      const stream = startJournalStream(responseSink(reply.raw), feed, after, {
        bus: app.bus,
        heartbeatMs: realtime.heartbeatSeconds * 1000,
        onError: (error) =>
          request.log.warn(
            {
              code: (error as { code?: unknown })?.code ?? (error instanceof Error ? error.name : 'unknown'),
            },
            'event stream dropped after an error',
          ),
      });
      streams.add(opened.owner, stream);
    };

    api.route(server, {
      method: 'GET',
      url: '/api/pharmacies/:finess/events',
      summary:
        "The pharmacy mailbox's journal, live (Server-Sent Events), for a professional of the pharmacy",
      tags: TAGS,
      access: 'session',
      params: z.object({ finess }),
      query: resumeQuery,
      responses: {
        200: {
          description: `${STREAM_DOC}. The ready data also holds realertMinutes and openingHours (directory text or null).`,
        },
      },
      async handler({ params, query, request, reply }) {
        await checkOrigin(request);
        const identity = professionalSession(request);
        const opened = await app.events.mailbox(identity.rpps, params.finess, { requestId: request.id });
        open(request, reply, opened, lastEventId(request, query.lastEventId));
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/events',
      summary: "The patient's own journal, live (Server-Sent Events)",
      tags: TAGS,
      access: 'session',
      query: resumeQuery,
      responses: { 200: { description: STREAM_DOC } },
      async handler({ query, request, reply }) {
        await checkOrigin(request);
        const identity = patientSession(request);
        const opened = await app.events.patient(identity.matricule, { requestId: request.id });
        open(request, reply, opened, lastEventId(request, query.lastEventId));
      },
    });
  };
}
