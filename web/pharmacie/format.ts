import type { LatestAttachment, TeamConversation } from './types.ts';

/**
 * French wording of the counter: times, waits, attachment summaries (statuses: web/shared/status.ts,
 * dates and sizes: web/shared/format.ts).
 */
const shortDateTime = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });

/** Today's date or a time: `14:32` today, `12/03 14:32` before. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return date.toDateString() === now.toDateString() ? timeOnly.format(date) : shortDateTime.format(date);
}

export function fullDateTime(iso: string): string {
  return new Date(iso).toLocaleString('fr-FR', { dateStyle: 'full', timeStyle: 'short' });
}

/** A waiting time, short: `à l'instant`, `12 min`, `1 h 05`, `3 j`. */
export function waited(fromIso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return "à l'instant";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')}`;
  return `${Math.floor(hours / 24)} j`;
}

/** How urgent a wait is, for open conversations nobody has moved yet. */
export function waitTone(conversation: TeamConversation, now = Date.now()): 'ok' | 'late' | 'very-late' {
  if (!conversation.open || conversation.status.code !== 'received') return 'ok';
  const minutes = (now - Date.parse(conversation.lastMessageAt)) / 60_000;
  if (minutes >= 120) return 'very-late';
  if (minutes >= 30) return 'late';
  return 'ok';
}

export function patientName(conversation: TeamConversation): string {
  return `${conversation.patient.givenNames} ${conversation.patient.familyName}`;
}

/**
 * What a patient message carried, in a few words: `Ordonnance numérique + 1 photo`,
 * `2 photos + 1 PDF`. A file with an e-prescription number counts as the e-prescription.
 */
export function attachmentSummary(attachments: readonly LatestAttachment[]): string {
  const numbers = new Set<string>();
  let photos = 0;
  let pdfs = 0;
  for (const a of attachments) {
    if (a.prescriptionNumbers.length > 0) for (const n of a.prescriptionNumbers) numbers.add(n);
    else if (a.kind === 'image') photos += 1;
    else pdfs += 1;
  }
  const parts: string[] = [];
  if (numbers.size === 1) parts.push('Ordonnance numérique');
  else if (numbers.size > 1) parts.push(`${numbers.size} ordonnances numériques`);
  if (photos > 0) parts.push(`${photos} photo${photos > 1 ? 's' : ''}`);
  if (pdfs > 0) parts.push(`${pdfs} PDF`);
  return parts.length > 0 ? parts.join(' + ') : 'Message sans pièce jointe';
}

export const FLAG_LABELS: Record<string, string> = {
  PDF_JAVASCRIPT: 'contient du JavaScript (jamais exécuté ici)',
  PDF_LAUNCH_ACTION: 'contient une action qui lance un programme',
  PDF_EMBEDDED_FILES: 'contient des fichiers intégrés',
  PDF_FORM_ACTIONS: 'contient un formulaire qui envoie des données',
};
