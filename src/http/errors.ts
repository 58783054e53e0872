import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain-error.ts';

/**
 * The one place where errors become HTTP answers: `{ error: { code, message, requestId } }` with a
 * stable code and a French message. Unknown errors answer 500 and are logged without personal data.
 */
const STATUS_BY_CODE: Record<string, number> = {
  NOT_FOUND: 404,
  STORE_UNAVAILABLE: 503,
  AUTH_REQUIRED: 401,
  CSRF_REJECTED: 403,
  ORIGIN_REJECTED: 403,
  RATE_LIMITED: 429,
  INVALID_CREDENTIAL: 401,
  CREDENTIAL_SUSPENDED: 403,
  FORBIDDEN: 403,
  // Attachments (src/attachments/errors.ts)
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_TYPE_REFUSED: 415,
  ATTACHMENT_COUNT: 422,
  ATTACHMENT_PIXEL_FLOOD: 422,
  ATTACHMENT_IMAGE_INVALID: 422,
  ATTACHMENT_PDF_ENCRYPTED: 422,
  ATTACHMENT_PDF_INVALID: 422,
  ATTACHMENT_PDF_TOO_MANY_PAGES: 422,
  ATTACHMENT_PDF_TOO_COMPLEX: 422,
  ATTACHMENT_NOT_STORED: 500,
  // Multipart forms (src/http/multipart-reader.ts); the others answer 400
  MULTIPART_TOO_MANY_PARTS: 413,
  // Messaging (src/messaging/)
  PHARMACY_NOT_ELIGIBLE: 403,
  CLAIM_NEEDS_A_PERSON: 403,
  CONVERSATION_CLOSED: 409,
  ALREADY_CLAIMED: 409,
  STATUS_TRANSITION_NOT_ALLOWED: 409,
  QUOTA_EXCEEDED: 429,
  IDEMPOTENCY_KEY_REUSED: 422,
  NOT_A_COLLEAGUE: 422,
  TOO_MANY_TEMPLATES: 422,
  PRESCRIPTION_NOT_IN_CONVERSATION: 404,
  PRESCRIPTION_UNKNOWN: 404,
};

export function statusFor(error: DomainError): number {
  return STATUS_BY_CODE[error.code] ?? 400;
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) {
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    const retryAfter = error.details.retryAfterSeconds;
    if (typeof retryAfter === 'number')
      reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    return reply
      .status(statusFor(error))
      .send({ error: { code: error.code, message: error.message, requestId: request.id, ...details } });
  }
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status < 500) {
    return reply
      .status(status)
      .send({ error: { code: 'BAD_REQUEST', message: 'Requête invalide.', requestId: request.id } });
  }
  request.log.error(
    { err: { type: error.name, message: error.message, stack: error.stack } },
    'unhandled error',
  );
  return reply.status(500).send({
    error: {
      code: 'INTERNAL_ERROR',
      message: 'Erreur interne du serveur. Réessayez plus tard.',
      requestId: request.id,
    },
  });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send({ error: { code: 'NOT_FOUND', message: 'Ressource introuvable.', requestId: request.id } });
}
