import { DomainError } from '../domain-error.ts';

/**
 * The mail parser's refusals: stable codes, French messages. `details` carries the bound that was
 * crossed (src/mail/limits.ts) — never an address, a subject or a text. These errors reach a
 * peer as an SMTP answer (the gateway maps them), not an HTTP one.
 */
export const MAIL_ERROR_MESSAGES = {
  MAIL_TOO_LARGE: 'Le message dépasse la taille autorisée.',
  MAIL_HEADER_TOO_LARGE: 'Les en-têtes du message sont trop volumineux.',
  MAIL_TOO_MANY_PARTS: 'Le message comporte trop de parties MIME.',
  MAIL_TOO_DEEP: 'Les parties MIME du message sont imbriquées trop profondément.',
  MAIL_TEXT_TOO_LONG: 'Le texte du message est trop long.',
  MAIL_LINE_TOO_LONG: 'Le message comporte une ligne trop longue.',
  MAIL_MALFORMED: 'Le message est mal formé.',
  MAIL_NOT_A_REPORT: 'Ce message n’est pas un avis de remise ou de lecture.',
} as const;

export type MailErrorCode = keyof typeof MAIL_ERROR_MESSAGES;

export function mailError(code: MailErrorCode, details: Readonly<Record<string, unknown>> = {}): DomainError {
  return new DomainError(code, MAIL_ERROR_MESSAGES[code], details);
}
