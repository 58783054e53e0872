import { CANNOT_FILL_REASON_MAX, STATUS_TRANSITIONS } from '../../src/messaging/conversation.ts';
import { frenchDate } from './format.ts';
import type { PreparationStatus, StatusCode } from './types.ts';

/**
 * The preparation status in the patient's words, the same in both apps: the counter's buttons
 * (« Statut vu par le patient ») say exactly what the patient will read. Allowed changes come
 * from the server's own pure state machine (src/messaging/conversation.ts), never copied.
 */
export { CANNOT_FILL_REASON_MAX, STATUS_TRANSITIONS };

export const STATUS_LABELS: Readonly<Record<StatusCode, string>> = {
  received: 'Reçue',
  in_preparation: 'En préparation',
  partial: 'Partiellement prête',
  ready: 'Prête à être retirée',
  collected: 'Retirée',
  cannot_fill: 'Impossible à préparer',
};

/** The DSFR badge of each status (a plain grey badge once collected). */
export const STATUS_BADGE: Readonly<Record<StatusCode, string>> = {
  received: 'fr-badge--new',
  in_preparation: 'fr-badge--info',
  partial: 'fr-badge--warning',
  ready: 'fr-badge--success',
  collected: '',
  cannot_fill: 'fr-badge--error',
};

/** The label with its detail: « Partiellement prête — reste attendu le 18 mars 2026 ». */
export function statusText(status: PreparationStatus): string {
  if (status.code === 'partial' && status.restExpectedOn)
    return `${STATUS_LABELS.partial} — reste attendu le ${frenchDate(status.restExpectedOn)}`;
  if (status.code === 'cannot_fill' && status.reason)
    return `${STATUS_LABELS.cannot_fill} : ${status.reason}`;
  return STATUS_LABELS[status.code];
}
