import type { FastifyRequest } from 'fastify';
import type { PatientIdentity, ProfessionalIdentity } from '../auth/identity.ts';
import type { Population } from '../config.ts';
import { DomainError } from '../domain-error.ts';
import type { ActionContext, PatientActor, TeamMember } from '../messaging/service.ts';

/**
 * Who calls a route, checked in one place for every route and event stream: without a session
 * (or with an expired one) 401 `AUTH_REQUIRED`; signed in as the other population — a patient on
 * a team route, a professional or pharmacy software on a patient route — 403 `FORBIDDEN`. A team
 * member comes from a professional's session or a pharmacy software credential (whose pharmacy
 * the use cases check at every action, from the directory, never from the session).
 */
type Caller = Population | 'software';

const SIGN_IN: Record<Population, string> = {
  patient: 'Connectez-vous à votre espace patient pour accéder à vos messages.',
  professional: 'Connectez-vous avec votre carte CPS ou e-CPS.',
};
const SIGN_IN_OR_SOFTWARE =
  'Connectez-vous avec votre carte CPS ou e-CPS, ou utilisez un accès logiciel de la pharmacie.';
const RESERVED: Record<Population, Partial<Record<Caller, string>>> = {
  patient: {
    professional:
      'Cet espace est réservé aux patients : vous êtes connecté(e) en tant que professionnel(le) de santé.',
    software: 'Cet espace est réservé aux patients : un accès logiciel de pharmacie n’y a pas accès.',
  },
  professional: {
    patient:
      'Cet espace est réservé aux équipes des pharmacies : vous êtes connecté(e) en tant que patient(e).',
    software:
      'Réservé aux pharmaciens connectés avec leur carte CPS ou e-CPS : un accès logiciel ne peut pas le faire.',
  },
};

function refusal(request: FastifyRequest, wanted: Population, softwareWelcome = false): DomainError {
  const caller: Caller | null =
    request.auth?.session.identity.population ?? (request.credential ? 'software' : null);
  if (caller !== null) return new DomainError('FORBIDDEN', RESERVED[wanted][caller] ?? 'Accès refusé.');
  if (request.authExpired)
    return new DomainError('AUTH_REQUIRED', 'Votre session a expiré : reconnectez-vous.');
  return new DomainError('AUTH_REQUIRED', softwareWelcome ? SIGN_IN_OR_SOFTWARE : SIGN_IN[wanted]);
}

/** The session of a patient, else 401 or 403 as above. */
export function patientSession(request: FastifyRequest): PatientIdentity {
  const identity = request.auth?.session.identity;
  if (identity?.population !== 'patient') throw refusal(request, 'patient');
  return identity;
}

/** The session of a professional (a browser: not pharmacy software), else 401 or 403 as above. */
export function professionalSession(request: FastifyRequest): ProfessionalIdentity {
  const identity = request.auth?.session.identity;
  if (identity?.population !== 'professional') throw refusal(request, 'professional');
  return identity;
}

export function patientActor(request: FastifyRequest): PatientActor {
  const identity = patientSession(request);
  return { matricule: identity.matricule, givenNames: identity.givenNames, familyName: identity.familyName };
}

/** The member acts for `finess` (the pharmacy the URL names) only. */
export function teamMember(request: FastifyRequest, finess: string): TeamMember {
  if (!request.auth && request.credential) {
    const { credentialId, finess: own } = request.credential;
    return { kind: 'software', credentialId, finess: own, scope: finess };
  }
  const identity = request.auth?.session.identity;
  if (identity?.population !== 'professional') throw refusal(request, 'professional', true);
  return { kind: 'professional', rpps: identity.rpps, scope: finess };
}

/** The request id for the audit trail and, on sends and replies, the client's Idempotency-Key. */
export function actionContext(request: FastifyRequest, withIdempotency = false): ActionContext {
  const key = request.headers['idempotency-key'];
  return {
    requestId: request.id,
    ...(withIdempotency && typeof key === 'string' && key !== '' ? { idempotencyKey: key } : {}),
  };
}
