import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { frenchSize } from '../shared/format.ts';

/**
 * The limits a message must keep, as the server is configured (GET /api/patient/attachment-limits:
 * src/attachments/limits.ts with ATTACHMENT_TYPES and ATTACHMENT_MAX_FILE_MB applied, and
 * src/messaging/limits.ts), checked in the browser BEFORE anything is sent so that the patient
 * gets a clear French message at once. Nothing here repeats a number; the server still decides
 * (from the bytes), and its refusal is shown as is.
 */
export interface AttachmentLimits {
  types: { mediaType: string; kind: 'image' | 'pdf'; name: string; extensions: string[] }[];
  maxFileBytes: number;
  maxMessageBytes: number;
  minFiles: number;
  maxFiles: number;
  subjectMax: number;
  textMax: number;
}

let loading: Promise<AttachmentLimits> | null = null;

/** Loaded once per page (again after a failure). */
export function useAttachmentLimits(): { limits: AttachmentLimits | null; error: string | null } {
  const [state, setState] = useState<{ limits: AttachmentLimits | null; error: string | null }>({
    limits: null,
    error: null,
  });
  useEffect(() => {
    let alive = true;
    loading ??= api<AttachmentLimits>('GET', '/api/patient/attachment-limits');
    loading
      .then((limits) => alive && setState({ limits, error: null }))
      .catch((e: unknown) => {
        loading = null;
        if (alive)
          setState({
            limits: null,
            error: `Les règles d’envoi n’ont pas pu être chargées : ${e instanceof ApiError ? e.message : String(e)}`,
          });
      });
    return () => {
      alive = false;
    };
  }, []);
  return state;
}

/** For `<input accept>`: the types and the extensions (HEIC often comes without a type). */
export function acceptAttribute(limits: AttachmentLimits): string {
  return [
    ...limits.types.map((t) => t.mediaType),
    ...limits.types.flatMap((t) => t.extensions.map((e) => `.${e}`)),
  ].join(',');
}

/** « photos (JPEG, PNG, HEIC) et documents PDF », from the accepted types. */
export function acceptedWording(limits: AttachmentLimits): string {
  const photos = [...new Set(limits.types.filter((t) => t.kind === 'image').map((t) => t.name))];
  const parts: string[] = [];
  if (photos.length > 0) parts.push(`photos (${photos.join(', ')})`);
  if (limits.types.some((t) => t.kind === 'pdf')) parts.push('documents PDF');
  return parts.join(' et ');
}

/** The server decides from magic bytes; the browser can only go by the declared type or the name. */
export function isAcceptedFile(file: File, limits: AttachmentLimits): boolean {
  const type = file.type.toLowerCase();
  if (type && limits.types.some((t) => t.mediaType === type)) return true;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  // Some phones give HEIC photos no type, or a generic one: trust the name then.
  if (!type || type === 'application/octet-stream')
    return limits.types.some((t) => t.extensions.includes(extension));
  return false;
}

export function isPdf(file: File): boolean {
  return file.type === 'application/pdf' || file.name.toLowerCase().endsWith('.pdf');
}

/** Why this file cannot be added, or null. */
export function fileProblem(file: File, limits: AttachmentLimits): string | null {
  if (!isAcceptedFile(file, limits)) {
    return `« ${file.name} » n’est pas d’un type accepté : envoyez des ${acceptedWording(limits)}.`;
  }
  if (file.size === 0) return `« ${file.name} » est vide.`;
  if (file.size > limits.maxFileBytes) {
    // Just over the limit, both sizes round alike: then say "plus de" rather than "10 Mo : 10 Mo".
    const size = frenchSize(file.size);
    const max = frenchSize(limits.maxFileBytes);
    const weight = size === max ? `plus de ${max}` : size;
    return `« ${file.name} » est trop volumineux (${weight}) : ${max} au maximum par fichier.`;
  }
  return null;
}

/** Problems of the whole set, before sending: count and total size. */
export function setProblems(
  files: readonly File[],
  documentCount: number,
  requireOne: boolean,
  limits: AttachmentLimits,
): string[] {
  const problems: string[] = [];
  const count = files.length + documentCount;
  if (requireOne && count < limits.minFiles) {
    problems.push(
      'Joignez au moins une ordonnance : une photo, un fichier PDF ou une ordonnance numérique de « Mes documents ».',
    );
  }
  if (count > limits.maxFiles) {
    problems.push(
      `Vous avez joint ${count} pièces : ${limits.maxFiles} au maximum par message. Retirez-en ${count - limits.maxFiles}.`,
    );
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > limits.maxMessageBytes) {
    problems.push(
      `Les fichiers pèsent ${frenchSize(total)} au total : ${frenchSize(limits.maxMessageBytes)} au maximum par message.`,
    );
  }
  return problems;
}
