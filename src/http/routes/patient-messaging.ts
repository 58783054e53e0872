import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.ts';
import { downloadHeaders } from '../../attachments/download.ts';
import { EXTENSIONS_BY_TYPE } from '../../attachments/file-name.ts';
import type { SupportedType } from '../../attachments/limits.ts';
import { DomainError } from '../../domain-error.ts';
import { MESSAGING_LIMITS } from '../../messaging/limits.ts';
import type { PatientActor } from '../../messaging/service.ts';
import { actionContext, patientActor } from '../actor.ts';
import type { ApiRegistry } from '../api-routes.ts';
import { messageFiles, recordFiles } from '../message-files.ts';
import {
  detail,
  finess,
  IDEMPOTENCY_NOTE,
  id,
  page,
  pageQuery,
  patientConversation,
  sendResult,
} from '../messaging-schemas.ts';
import { sendAttachment } from './attachment-download.ts';

/**
 * The patient's side of messaging (their own session only): the pharmacies they may write to and
 * why another is refused, their health record's documents, their conversations, sends and replies
 * with documents picked from the record. The secure address is in `GET /api/me`.
 */
const pharmacy = z.object({
  finess: z.string(),
  name: z.string(),
  address: z.string(),
  postcode: z.string(),
  city: z.string(),
  departement: z.string(),
  phone: z.string().nullable(),
  mailboxAddress: z.string(),
  lastReimbursedOn: z.string(),
  eligibleUntil: z.string(),
  explanation: z.string().describe('French, e.g. "jusqu’au 14 mars 2027"'),
});
const verdict = z.object({
  finess: z.string(),
  verdict: z.looseObject({ eligible: z.boolean(), reason: z.string().optional() }),
  explanation: z.string(),
});
const historyEntry = pharmacy.omit({ mailboxAddress: true, eligibleUntil: true, explanation: true }).extend({
  mailboxAddress: z.string().nullable(),
  verdict: verdict.shape.verdict,
  explanation: z.string().describe('French: until when, or why not'),
});
const healthDocument = z.object({
  id: z.string(),
  kind: z.enum(['eprescription', 'document']),
  title: z.string(),
  author: z.string(),
  issuedOn: z.string(),
  prescriptionNumber: z.string().nullable(),
});
const documentIds = z
  .array(id)
  .max(20)
  .describe('Documents of the health record to attach (e-prescriptions travel with their number)');
const conversationParams = z.object({ id });
const TAGS = ['patient'];

/** How the patient's app names each type (HEIF is the container of iPhones' HEIC photos). */
const TYPE_NAMES: Readonly<Record<SupportedType, string>> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/heic': 'HEIC',
  'image/heif': 'HEIC',
  'image/avif': 'AVIF',
  'application/pdf': 'PDF',
};
const attachmentLimitsView = z.object({
  types: z
    .array(
      z.object({
        mediaType: z.string(),
        kind: z.enum(['image', 'pdf']),
        name: z.string().describe('As shown to the patient, e.g. `JPEG`'),
        extensions: z.array(z.string()).describe('Without the dot, e.g. `jpg`'),
      }),
    )
    .describe('The accepted types (ATTACHMENT_TYPES)'),
  maxFileBytes: z.number().int().describe('Bytes per file (ATTACHMENT_MAX_FILE_MB)'),
  maxMessageBytes: z.number().int().describe('Bytes for all the files of one message'),
  minFiles: z.number().int().describe('Attachments of a new conversation, at least'),
  maxFiles: z.number().int().describe('Attachments per message (files and documents), at most'),
  subjectMax: z.number().int().describe('Characters of a subject'),
  textMax: z.number().int().describe("Characters of a message's text"),
});

export function patientMessagingRoutes(app: App, api: ApiRegistry): FastifyPluginAsync {
  const patient = app.messaging.patient;
  const fromRecord = (who: PatientActor, ids: readonly string[] | undefined, request: FastifyRequest) =>
    recordFiles(app, who, ids ?? [], request.id);
  const uploads = messageFiles(app, patientActor);
  // Every refused send of a patient counts against their refused-sends quota (not an anonymous one).
  const countRefused = async ({ request, error }: { request: FastifyRequest; error: DomainError }) => {
    if (request.auth?.session.identity?.population === 'patient')
      await patient.countRefusedSend(patientActor(request), error);
  };

  return async (server) => {
    api.route(server, {
      method: 'GET',
      url: '/api/patient/attachment-limits',
      summary:
        'The limits a message must keep, as this server is configured: for the app to refuse in French before sending',
      tags: TAGS,
      access: 'session',
      responses: { 200: { description: 'The effective limits', schema: attachmentLimitsView } },
      async handler({ request }) {
        patientActor(request);
        const limits = app.config.attachments;
        return {
          types: limits.acceptedTypes.map((mediaType) => ({
            mediaType,
            kind: mediaType === 'application/pdf' ? 'pdf' : 'image',
            name: TYPE_NAMES[mediaType],
            extensions: [...EXTENSIONS_BY_TYPE[mediaType]],
          })),
          maxFileBytes: limits.maxFileBytes,
          maxMessageBytes: limits.maxMessageBytes,
          minFiles: limits.minFiles,
          maxFiles: limits.maxFiles,
          subjectMax: MESSAGING_LIMITS.subjectMax,
          textMax: MESSAGING_LIMITS.textMax,
        };
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/pharmacies',
      summary: 'The pharmacies the patient may write to today, with the eligibility explanation',
      tags: TAGS,
      access: 'session',
      responses: {
        200: { description: 'Eligible pharmacies', schema: z.object({ pharmacies: z.array(pharmacy) }) },
      },
      async handler({ request, reply }) {
        reply.header('cache-control', 'no-store');
        return {
          pharmacies: await patient.eligiblePharmacies(patientActor(request), actionContext(request)),
        };
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/pharmacy-history',
      summary:
        "Every pharmacy of the patient's reimbursement history, eligible or not, with the verdict and its French explanation",
      tags: TAGS,
      access: 'session',
      responses: {
        200: {
          description: 'The history, newest dispensation first',
          schema: z.object({ pharmacies: z.array(historyEntry) }),
        },
      },
      async handler({ request, reply }) {
        reply.header('cache-control', 'no-store');
        return { pharmacies: await patient.pharmacyHistory(patientActor(request), actionContext(request)) };
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/pharmacies/:finess/eligibility',
      summary: 'Whether the patient may write to one pharmacy, and why not',
      tags: TAGS,
      access: 'session',
      params: z.object({ finess }),
      responses: { 200: { description: 'The verdict and its French explanation', schema: verdict } },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return patient.checkPharmacy(patientActor(request), params.finess, actionContext(request));
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/documents',
      summary: "The patient's health record: e-prescriptions and other documents, newest first",
      tags: TAGS,
      access: 'session',
      responses: {
        200: { description: 'Documents', schema: z.object({ documents: z.array(healthDocument) }) },
      },
      async handler({ request, reply }) {
        reply.header('cache-control', 'no-store');
        return { documents: await app.healthRecord.documents(patientActor(request), actionContext(request)) };
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/conversations',
      summary: "The patient's conversations with each pharmacy's status, newest activity first",
      tags: TAGS,
      access: 'session',
      query: z.object(pageQuery),
      responses: { 200: { description: 'One page', schema: page(patientConversation) } },
      async handler({ query, request, reply }) {
        reply.header('cache-control', 'no-store');
        return patient.listConversations(patientActor(request), query, actionContext(request));
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/conversations/:id',
      summary: 'One conversation with its messages; marks it read for the patient',
      tags: TAGS,
      access: 'session',
      params: conversationParams,
      responses: { 200: { description: 'The conversation', schema: detail(patientConversation) } },
      async handler({ params, request, reply }) {
        reply.header('cache-control', 'no-store');
        return patient.openConversation(patientActor(request), params.id, actionContext(request));
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/patient/conversations',
      summary: `Start a conversation with an eligible pharmacy: 1 to 5 attachments, uploaded (multipart) or picked from the health record. ${IDEMPOTENCY_NOTE}`,
      tags: TAGS,
      access: 'session',
      body: z.object({
        finess,
        subject: z.string().max(1000),
        text: z.string().max(100_000),
        documentIds: documentIds.optional(),
      }),
      multipart: uploads,
      // Before the files: a send its fields, the pharmacy's eligibility or a quota refuse processes nothing.
      precheck: ({ body, files, request }) =>
        patient.precheckStart(patientActor(request), { ...body, files }, actionContext(request, true)),
      refused: countRefused,
      responses: { 201: { description: 'Sent', schema: sendResult(patientConversation) } },
      async handler({ body, files, request, reply }) {
        const who = patientActor(request);
        const attachments = [...files, ...(await fromRecord(who, body.documentIds, request))];
        const sent = await patient.startConversation(
          who,
          { finess: body.finess, subject: body.subject, text: body.text, attachments },
          actionContext(request, true),
        );
        return reply.status(201).header('cache-control', 'no-store').send(sent);
      },
    });

    api.route(server, {
      method: 'POST',
      url: '/api/patient/conversations/:id/messages',
      summary: `Reply in an open conversation. ${IDEMPOTENCY_NOTE}`,
      tags: TAGS,
      access: 'session',
      params: conversationParams,
      body: z.object({ text: z.string().max(100_000), documentIds: documentIds.optional() }),
      multipart: uploads,
      // Before the files: a reply to a closed or unknown conversation, or over quota, processes nothing.
      precheck: ({ params, body, files, request }) =>
        patient.precheckReply(
          patientActor(request),
          params.id,
          { ...body, files },
          actionContext(request, true),
        ),
      refused: countRefused,
      responses: { 201: { description: 'Sent', schema: sendResult(patientConversation) } },
      async handler({ params, body, files, request, reply }) {
        const who = patientActor(request);
        const attachments = [...files, ...(await fromRecord(who, body.documentIds, request))];
        const sent = await patient.reply(
          who,
          params.id,
          { text: body.text, attachments },
          actionContext(request, true),
        );
        return reply.status(201).header('cache-control', 'no-store').send(sent);
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/attachments/:attachmentId',
      summary: 'Download an attachment of one of the patient’s conversations',
      tags: TAGS,
      access: 'session',
      params: z.object({ attachmentId: id }),
      responses: { 200: { description: 'The file, as a download (nosniff, sandboxing CSP)' } },
      async handler({ params, request, reply }) {
        const found = await patient.attachment(
          patientActor(request),
          params.attachmentId,
          actionContext(request),
        );
        return sendAttachment(reply, app.blobs, found);
      },
    });

    api.route(server, {
      method: 'GET',
      url: '/api/patient/attachments/:attachmentId/thumbnail',
      summary: 'The JPEG thumbnail of a photo or of the first page of a PDF (when `hasThumbnail`)',
      tags: TAGS,
      access: 'session',
      params: z.object({ attachmentId: id }),
      responses: { 200: { description: 'A JPEG (nosniff, sandboxing CSP)' } },
      async handler({ params, request, reply }) {
        const found = await patient.attachment(
          patientActor(request),
          params.attachmentId,
          actionContext(request),
        );
        if (!found.thumbnail) throw new DomainError('NOT_FOUND', 'Aucun aperçu pour cette pièce jointe.');
        const bytes = await app.blobs.get(found.thumbnail.sha256);
        return reply
          .headers(downloadHeaders({ fileName: 'apercu.jpg', mediaType: 'image/jpeg' }, bytes.length))
          .send(bytes);
      },
    });
  };
}
