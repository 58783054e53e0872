import { DomainError } from '../domain-error.ts';

/**
 * The attachment pipeline's refusals: stable codes, French messages. Their HTTP statuses live in
 * src/http/errors.ts (413 too large, 415 type refused, 422 the others). `details` carries limits
 * and counts only — never a file name or file content.
 */
export const ATTACHMENT_ERROR_MESSAGES = {
  ATTACHMENT_TOO_LARGE: 'Le fichier dépasse la taille autorisée.',
  ATTACHMENT_COUNT: 'Un message doit comporter entre 1 et 5 pièces jointes.',
  ATTACHMENT_TYPE_REFUSED:
    'Ce type de fichier n’est pas accepté : envoyez une photo (JPEG, PNG, HEIC) ou un PDF.',
  ATTACHMENT_PIXEL_FLOOD: 'L’image est trop grande (nombre de pixels) pour être traitée.',
  ATTACHMENT_IMAGE_INVALID: 'L’image est illisible ou endommagée.',
  ATTACHMENT_PDF_ENCRYPTED:
    'Ce PDF est protégé par un mot de passe ou chiffré : envoyez une copie sans protection.',
  ATTACHMENT_PDF_INVALID: 'Ce PDF est illisible ou endommagé.',
  ATTACHMENT_PDF_TOO_MANY_PAGES: 'Ce PDF comporte trop de pages.',
  ATTACHMENT_PDF_TOO_COMPLEX: 'Ce PDF est trop complexe pour être lu : envoyez plutôt une photo du document.',
} as const;

export type AttachmentErrorCode = keyof typeof ATTACHMENT_ERROR_MESSAGES;

export function attachmentError(
  code: AttachmentErrorCode,
  details: Readonly<Record<string, unknown>> = {},
  message: string = ATTACHMENT_ERROR_MESSAGES[code],
): DomainError {
  return new DomainError(code, message, details);
}
