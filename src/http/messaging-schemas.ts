import { z } from 'zod';
import { STATUS_CODES } from '../messaging/conversation.ts';

/**
 * The zod schemas shared by the patient and team messaging routes: what the use cases return
 * (src/messaging/views.ts), for the OpenAPI document, and the common path parameters.
 */
export const finess = z
  .string()
  .regex(/^(?:\d{2}|2A|2B)\d{7}$/)
  .describe('Site FINESS');
export const id = z.string().max(64).describe('Identifier (UUID)');

export const preparationStatus = z
  .object({
    code: z.enum(STATUS_CODES as [string, ...string[]]),
    restExpectedOn: z.string().optional().describe('partial: when the rest is expected (YYYY-MM-DD)'),
    reason: z.string().optional().describe('cannot_fill: why'),
  })
  .meta({ id: 'PreparationStatus' });

export const attachmentView = z
  .object({
    id: z.string(),
    kind: z.enum(['image', 'pdf']),
    mediaType: z.string(),
    sourceType: z.string(),
    fileName: z.string(),
    size: z.number(),
    hasThumbnail: z.boolean(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    pages: z.number().nullable(),
    flags: z.array(z.string()),
    prescriptionNumbers: z.array(z.string()),
  })
  .meta({ id: 'Attachment' });

export const messageView = z
  .object({
    id: z.string(),
    messageId: z.string().describe('RFC 5322 Message-ID'),
    inReplyTo: z.string().nullable(),
    references: z.array(z.string()),
    author: z.object({ kind: z.enum(['patient', 'professional', 'software']), name: z.string() }),
    text: z.string(),
    createdAt: z.string(),
    closesConversation: z.boolean(),
    attachments: z.array(attachmentView),
  })
  .meta({ id: 'Message' });

const conversationCommon = {
  id: z.string(),
  subject: z.string(),
  status: preparationStatus,
  open: z.boolean(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  lastMessageAt: z.string(),
  messageCount: z.number(),
};

export const patientConversation = z
  .object({
    ...conversationCommon,
    pharmacy: z.object({ finess: z.string(), name: z.string() }),
    unread: z.boolean().describe('A pharmacy message the patient has not read yet'),
  })
  .meta({ id: 'PatientConversation' });

export const teamConversation = z
  .object({
    ...conversationCommon,
    pharmacyFiness: z.string(),
    patient: z.object({
      matricule: z.string(),
      givenNames: z.string(),
      familyName: z.string(),
      address: z.string(),
    }),
    claimedBy: z.object({ rpps: z.string(), name: z.string() }).nullable(),
    unread: z.boolean().describe('A patient message this team member (not the team) has not read yet'),
    latestPatientAttachments: z
      .array(z.object({ kind: z.enum(['image', 'pdf']), prescriptionNumbers: z.array(z.string()) }))
      .optional()
      .describe("In listings only: the files of the patient's latest message (kind, e-prescription numbers)"),
  })
  .meta({ id: 'TeamConversation' });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('null on the last page') });

export const pageQuery = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().optional(),
};

export const sendResult = <T extends z.ZodType>(conversation: T) =>
  z.object({ conversation, message: messageView });

export const detail = <T extends z.ZodType>(conversation: T) =>
  z.object({ conversation, messages: z.array(messageView) });

/** Sends and replies: the client's retry key (design note §3.2). */
export const IDEMPOTENCY_NOTE =
  'Send an Idempotency-Key header: a retry returns the first result and creates nothing new.';
