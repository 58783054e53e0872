import { DomainError } from '../domain-error.ts';

/**
 * The listener's refusals: a stable code, the SMTP reply code, the enhanced status code (RFC 3463)
 * and a French text saying why. SMTP replies are US-ASCII (RFC 5321 §4.2), so the French goes
 * without diacritics. Texts may name a domain or a limit, never a local part of an address.
 * `enhanced: null` for replies sent before EHLO could negotiate ENHANCEDSTATUSCODES (the greeting).
 *
 * This is the one place SMTP codes are chosen, like src/http/errors.ts is for HTTP statuses.
 */
export const SMTP_REFUSALS = {
  TOO_MANY_CONNECTIONS_FROM_PEER: {
    code: 421,
    enhanced: null,
    text: 'Trop de connexions simultanees depuis cette adresse, reessayez plus tard',
  },
  TOO_MANY_COMMANDS_BEFORE_TLS: { code: 421, enhanced: '4.7.0', text: 'Trop de commandes avant STARTTLS' },
  TOO_MANY_REFUSALS: { code: 421, enhanced: '4.7.0', text: 'Trop de commandes refusees, connexion fermee' },
  STARTTLS_REQUIRED: {
    code: 530,
    enhanced: '5.7.0',
    text: 'Chiffrement requis : envoyez STARTTLS avant MAIL FROM',
  },
  CLIENT_CERTIFICATE_REQUIRED: {
    code: 530,
    enhanced: '5.7.0',
    text: 'Certificat client requis (TLS mutuel entre operateurs MSSante)',
  },
  CLIENT_CERTIFICATE_UNTRUSTED: { code: 535, enhanced: '5.7.8', text: 'Certificat client refuse' },
  WHITELIST_UNAVAILABLE: {
    code: 451,
    enhanced: '4.3.0',
    text: 'Liste blanche MSSante indisponible, reessayez plus tard',
  },
  SENDER_DOMAIN_NOT_WHITELISTED: {
    code: 550,
    enhanced: '5.7.1',
    text: 'Domaine expediteur absent de la liste blanche MSSante',
  },
  CERTIFICATE_DOMAIN_MISMATCH: {
    code: 550,
    enhanced: '5.7.1',
    text: 'Le certificat client ne couvre pas le domaine expediteur',
  },
  RELAY_DENIED: {
    code: 550,
    enhanced: '5.7.1',
    text: 'Relais refuse : domaine destinataire non heberge ici',
  },
  RECIPIENT_UNKNOWN: { code: 550, enhanced: '5.1.1', text: 'Destinataire inconnu' },
  MESSAGE_TOO_LARGE: { code: 552, enhanced: '5.3.4', text: 'Message trop volumineux' },
  TEMPORARY_FAILURE: {
    code: 451,
    enhanced: '4.3.0',
    text: 'Erreur temporaire du serveur, message non enregistre : reessayez plus tard',
  },
} as const satisfies Record<string, { code: number; enhanced: string | null; text: string }>;

export type SmtpRefusalCode = keyof typeof SMTP_REFUSALS;

/**
 * A refusal of the listener, or of the delivery port (src/gateway/delivery.ts): `temporary` when
 * the sender should retry (4xx), permanent otherwise (5xx). `detail` completes the text (a domain,
 * a limit, an OpenSSL verification code), never personal data.
 */
export class SmtpRefusal extends DomainError {
  override name = 'SmtpRefusal';
  readonly reply: { code: number; enhanced: string | null; text: string };
  constructor(
    code: SmtpRefusalCode,
    readonly detail: string | null = null,
  ) {
    const reply = SMTP_REFUSALS[code];
    const text = detail ? `${reply.text} (${detail})` : reply.text;
    super(code, text, detail ? { detail } : {});
    this.reply = { ...reply, text };
  }

  get temporary(): boolean {
    return this.reply.code < 500;
  }
}

/**
 * The error smtp-server takes from a handler: `responseCode`, and a message that starts with the
 * enhanced status code (the listener sends it as is, see smtp-hooks.ts). Only ASCII is kept.
 */
export function smtpError(refusal: SmtpRefusal): Error & { responseCode: number } {
  const { code, enhanced, text } = refusal.reply;
  const ascii = text.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
  return Object.assign(new Error(enhanced ? `${enhanced} ${ascii}` : ascii), { responseCode: code });
}
