/**
 * The attachment limits, checked in the browser BEFORE anything is sent so that the patient gets
 * a clear French message at once. A mirror of DEFAULT_LIMITS in src/attachments/limits.ts (the
 * one place they are set): change both together. The server remains the authority — it may be
 * configured otherwise (ATTACHMENT_TYPES, ATTACHMENT_MAX_FILE_MB), and its refusal is shown as is.
 */
import { frenchSize } from './format.ts';

const MB = 1024 * 1024;

export const LIMITS = {
  maxFileBytes: 10 * MB,
  maxMessageBytes: 25 * MB,
  /** A new message carries 1 to 5 attachments (files and documents together). */
  minFiles: 1,
  maxFiles: 5,
} as const;

/** The server decides from magic bytes; the browser can only go by the declared type or the name. */
const ACCEPTED: readonly { type: string; extensions: readonly string[] }[] = [
  { type: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  { type: 'image/png', extensions: ['png'] },
  { type: 'image/heic', extensions: ['heic'] },
  { type: 'image/heif', extensions: ['heif'] },
  { type: 'application/pdf', extensions: ['pdf'] },
];

/** For `<input accept>`: the types and the extensions (HEIC often comes without a type). */
export const ACCEPT_ATTRIBUTE = [
  ...ACCEPTED.map((a) => a.type),
  ...ACCEPTED.flatMap((a) => a.extensions.map((e) => `.${e}`)),
].join(',');

export const ACCEPTED_WORDING = 'photos (JPEG, PNG, HEIC) et documents PDF';

export function isAcceptedFile(file: File): boolean {
  const type = file.type.toLowerCase();
  if (type && ACCEPTED.some((a) => a.type === type)) return true;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  // Some phones give HEIC photos no type, or a generic one: trust the name then.
  if (!type || type === 'application/octet-stream')
    return ACCEPTED.some((a) => a.extensions.includes(extension));
  return false;
}

export function isPdf(file: File): boolean {
  return file.type === 'application/pdf' || file.name.toLowerCase().endsWith('.pdf');
}

/** Why this file cannot be added, or null. */
export function fileProblem(file: File): string | null {
  if (!isAcceptedFile(file)) {
    return `« ${file.name} » n’est pas d’un type accepté : envoyez des ${ACCEPTED_WORDING}.`;
  }
  if (file.size === 0) return `« ${file.name} » est vide.`;
  if (file.size > LIMITS.maxFileBytes) {
    return `« ${file.name} » est trop volumineux (${frenchSize(file.size)}) : ${frenchSize(LIMITS.maxFileBytes)} au maximum par fichier.`;
  }
  return null;
}

/** Problems of the whole set, before sending: count and total size. */
export function setProblems(files: readonly File[], documentCount: number, requireOne: boolean): string[] {
  const problems: string[] = [];
  const count = files.length + documentCount;
  if (requireOne && count < LIMITS.minFiles) {
    problems.push(
      'Joignez au moins une ordonnance : une photo, un fichier PDF ou une ordonnance numérique de « Mes documents ».',
    );
  }
  if (count > LIMITS.maxFiles) {
    problems.push(
      `Vous avez joint ${count} pièces : ${LIMITS.maxFiles} au maximum par message. Retirez-en ${count - LIMITS.maxFiles}.`,
    );
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > LIMITS.maxMessageBytes) {
    problems.push(
      `Les fichiers pèsent ${frenchSize(total)} au total : ${frenchSize(LIMITS.maxMessageBytes)} au maximum par message.`,
    );
  }
  return problems;
}

/** A mirror of MESSAGING_LIMITS in src/messaging/limits.ts (subject on one line, text). */
export const TEXT_LIMITS = { subjectMax: 200, textMax: 10_000 } as const;
