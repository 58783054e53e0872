import type { FastifyReply } from 'fastify';
import { escapeHtml, PAGE_HEADERS, page } from '../auth/html.ts';
import type { LoginFailureReason } from '../auth/login.ts';

/**
 * What a person sees when a login does not end in a session: a French page that says what
 * happened and what to do, with a stable code (for support) and the request id. Never a stack.
 */
interface Refusal {
  status: number;
  title: string;
  message: string;
}

const REFUSALS: Record<LoginFailureReason | 'RATE_LIMITED', Refusal> = {
  NOT_A_MEMBER: {
    status: 403,
    title: 'Aucune pharmacie associée à votre compte',
    message:
      'Vous êtes bien identifié(e) comme professionnel de santé, mais l’annuaire ne vous rattache à aucune ' +
      'pharmacie utilisant Officine MSS. Demandez au titulaire de votre officine de vous déclarer, puis reconnectez-vous.',
  },
  IDENTITY_NOT_QUALIFIED: {
    status: 403,
    title: 'Identité non qualifiée',
    message:
      'Votre identité n’est pas qualifiée (identité nationale de santé vérifiée) : la messagerie de santé ne peut ' +
      'pas l’utiliser. Faites vérifier votre identité auprès de votre caisse ou d’un professionnel de santé, puis réessayez.',
  },
  ACR_TOO_LOW: {
    status: 403,
    title: 'Niveau de connexion insuffisant',
    message:
      'Le moyen de connexion utilisé n’offre pas un niveau de sécurité suffisant pour Officine MSS. ' +
      'Reconnectez-vous avec un moyen plus sûr (par exemple la carte CPS ou l’application e-CPS).',
  },
  INVALID_CLAIMS: {
    status: 403,
    title: 'Identité incomplète',
    message:
      'Le fournisseur d’identité n’a pas transmis une identité exploitable (identifiant ou nom manquant ou invalide).',
  },
  INVALID_CALLBACK: {
    status: 400,
    title: 'Connexion expirée ou déjà utilisée',
    message:
      'Ce retour de connexion n’est pas valable : il a expiré, a déjà servi ou vient d’un autre navigateur. ' +
      'Recommencez la connexion.',
  },
  INVALID_ID_TOKEN: {
    status: 400,
    title: 'Réponse d’identification refusée',
    message:
      'La réponse du fournisseur d’identité n’a pas passé les contrôles de sécurité (signature, destinataire, ' +
      'validité ou nonce). Recommencez la connexion.',
  },
  LOGIN_CANCELLED: {
    status: 200,
    title: 'Connexion annulée',
    message: 'Vous avez annulé la connexion. Vous pouvez la recommencer quand vous voulez.',
  },
  IDP_UNAVAILABLE: {
    status: 502,
    title: 'Fournisseur d’identité injoignable',
    message: 'Le service de connexion ne répond pas pour le moment. Réessayez dans quelques minutes.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Trop de tentatives de connexion',
    message: 'Trop de tentatives de connexion ont eu lieu. Patientez quelques minutes avant de réessayer.',
  },
};

export function refusalPage(
  reply: FastifyReply,
  reason: LoginFailureReason | 'RATE_LIMITED',
  requestId: string,
  retryAfterSeconds?: number,
) {
  const refusal = REFUSALS[reason];
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  const wait =
    retryAfterSeconds !== undefined
      ? `<p>Vous pourrez réessayer dans ${Math.ceil(retryAfterSeconds / 60)} minute(s).</p>`
      : '';
  return reply
    .status(refusal.status)
    .headers(PAGE_HEADERS)
    .send(
      page(
        refusal.title,
        `<h1>${escapeHtml(refusal.title)}</h1>
<p>${escapeHtml(refusal.message)}</p>
${wait}
<p><a href="/">Retour à l’accueil</a></p>
<p class="note">Code : <span data-code="${reason}">${reason}</span> — référence ${escapeHtml(requestId)}</p>`,
      ),
    );
}
