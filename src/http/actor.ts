import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain-error.ts';
import type { ActionContext, PatientActor, TeamMember } from '../messaging/service.ts';

/**
 * Who calls a messaging route, as the use cases know them: a patient from their session; a team
 * member from a professional's session or a pharmacy software credential (whose pharmacy the use
 * cases check at every action, from the directory, never from the session).
 */
export function patientActor(request: FastifyRequest): PatientActor {
  const identity = request.auth?.session.identity;
  if (identity?.population !== 'patient') {
    throw new DomainError(
      'AUTH_REQUIRED',
      'Connectez-vous à votre espace patient pour accéder à vos messages.',
    );
  }
  return { matricule: identity.matricule, givenNames: identity.givenNames, familyName: identity.familyName };
}

/** The member acts for `finess` (the pharmacy the URL names) only. */
export function teamMember(request: FastifyRequest, finess: string): TeamMember {
  const identity = request.auth?.session.identity;
  if (identity?.population === 'professional') {
    return { kind: 'professional', rpps: identity.rpps, scope: finess };
  }
  if (!request.auth && request.credential) {
    const { credentialId, finess: own } = request.credential;
    return { kind: 'software', credentialId, finess: own, scope: finess };
  }
  throw new DomainError(
    'AUTH_REQUIRED',
    'Connectez-vous avec votre carte CPS ou e-CPS, ou utilisez un accès logiciel de la pharmacie.',
  );
}

/** The request id for the audit trail and, on sends and replies, the client's Idempotency-Key. */
export function actionContext(request: FastifyRequest, withIdempotency = false): ActionContext {
  const key = request.headers['idempotency-key'];
  return {
    requestId: request.id,
    ...(withIdempotency && typeof key === 'string' && key !== '' ? { idempotencyKey: key } : {}),
  };
}
