import type { BlobStore, ProcessedAttachment } from '../attachments/attachment.ts';
import { attachmentError } from '../attachments/errors.ts';
import { DomainError } from '../domain-error.ts';
import { parseFiness } from '../identity/finess.ts';
import { parseRpps } from '../identity/rpps.ts';
import { MESSAGING_LIMITS } from './limits.ts';

/** Checks of what clients send, each with a stable code and a French message. */

/**
 * Control characters (C0, DEL, C1) and the Unicode line/paragraph separators; `allowed` lists the
 * ones a message text may hold (tab and line feed; carriage returns are normalised away first).
 */
function hasControl(text: string, allowed: readonly string[] = []): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    if (control && !allowed.includes(char)) return true;
  }
  return false;
}

const TEXT_CONTROLS = ['\t', '\n'];

export function checkSubject(value: unknown): string {
  const subject = typeof value === 'string' ? value.trim() : '';
  if (subject.length === 0 || subject.length > MESSAGING_LIMITS.subjectMax || hasControl(subject)) {
    throw new DomainError(
      'INVALID_SUBJECT',
      `Donnez un objet à votre message (1 à ${MESSAGING_LIMITS.subjectMax} caractères, sur une ligne).`,
      { max: MESSAGING_LIMITS.subjectMax },
    );
  }
  return subject;
}

/** A message text: line breaks normalised to `\n`, trimmed; empty only when `allowEmpty`. */
export function checkText(value: unknown, options: { allowEmpty: boolean }): string {
  const text =
    typeof value === 'string'
      ? value.replace(/\r\n?/g, '\n').trim()
      : value === undefined || value === null
        ? ''
        : null;
  if (
    text === null ||
    hasControl(text, TEXT_CONTROLS) ||
    text.length > MESSAGING_LIMITS.textMax ||
    (text.length === 0 && !options.allowEmpty)
  ) {
    throw new DomainError(
      'INVALID_TEXT',
      `Écrivez votre message (au plus ${MESSAGING_LIMITS.textMax} caractères, sans caractères de contrôle).`,
      { max: MESSAGING_LIMITS.textMax },
    );
  }
  return text;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function checkAttachments(
  value: readonly ProcessedAttachment[] | undefined,
  count: { min: number; max: number },
): readonly ProcessedAttachment[] {
  const list = value ?? [];
  checkAttachmentCount(list.length, count);
  for (const a of list) {
    // Records come from the attachment pipeline: a malformed one is a programming error.
    if (!SHA256.test(a.blob.sha256) || (a.thumbnail !== null && !SHA256.test(a.thumbnail.sha256))) {
      throw new TypeError('checkAttachments: not a processed attachment');
    }
  }
  return list;
}

/** ATTACHMENT_COUNT unless `n` attachments are within `count` (also before they are processed). */
export function checkAttachmentCount(n: number, count: { min: number; max: number }): void {
  if (n < count.min || n > count.max) {
    throw attachmentError(
      'ATTACHMENT_COUNT',
      { min: count.min, max: count.max },
      count.min > 0
        ? `Un nouveau message doit comporter entre ${count.min} et ${count.max} pièces jointes.`
        : `Un message peut comporter au plus ${count.max} pièces jointes.`,
    );
  }
}

/** Every blob of the attachments is in the blob store (when one is given). */
export async function checkStored(
  blobs: Pick<BlobStore, 'has'> | undefined,
  attachments: readonly ProcessedAttachment[],
): Promise<void> {
  if (!blobs) return;
  for (const a of attachments) {
    for (const ref of a.thumbnail ? [a.blob, a.thumbnail] : [a.blob]) {
      if (!(await blobs.has(ref.sha256))) {
        throw new DomainError(
          'ATTACHMENT_NOT_STORED',
          "Une pièce jointe n'a pas été enregistrée : envoyez-la de nouveau.",
        );
      }
    }
  }
}

export function checkFiness(value: unknown): string {
  const parsed = typeof value === 'string' ? parseFiness(value) : null;
  if (!parsed?.ok) {
    throw new DomainError('INVALID_FINESS', parsed?.message ?? "Le numéro FINESS n'est pas renseigné.");
  }
  return parsed.finess.value;
}

export function checkRpps(value: unknown): string {
  const parsed = typeof value === 'string' ? parseRpps(value) : null;
  if (!parsed?.ok)
    throw new DomainError('INVALID_RPPS', parsed?.message ?? "Le numéro RPPS n'est pas renseigné.");
  return parsed.rpps.value;
}

export function checkTemplate(input: { title: unknown; body: unknown }): { title: string; body: string } {
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (title.length === 0 || title.length > MESSAGING_LIMITS.templateTitleMax || hasControl(title)) {
    throw new DomainError(
      'INVALID_TEMPLATE',
      `Donnez au modèle un titre de 1 à ${MESSAGING_LIMITS.templateTitleMax} caractères et un texte.`,
    );
  }
  const body = checkText(input.body, { allowEmpty: false });
  return { title, body };
}
