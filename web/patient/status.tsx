import { frenchDate } from './format.ts';
import type { PreparationStatus } from './types.ts';

/** The pharmacy's preparation status, in the patient's words (STATUS_CODES, src/messaging/conversation.ts). */
export function statusLabel(status: PreparationStatus): string {
  switch (status.code) {
    case 'received':
      return 'Reçue';
    case 'in_preparation':
      return 'En préparation';
    case 'ready':
      return 'Prête';
    case 'partial':
      return status.restExpectedOn
        ? `Partiellement prête — reste attendu le ${frenchDate(status.restExpectedOn)}`
        : 'Partiellement prête';
    case 'cannot_fill':
      return status.reason ? `Impossible à préparer : ${status.reason}` : 'Impossible à préparer';
    case 'collected':
      return 'Retirée';
  }
}

const VARIANT: Record<PreparationStatus['code'], string> = {
  received: 'fr-badge--info',
  in_preparation: 'fr-badge--new',
  ready: 'fr-badge--success',
  partial: 'fr-badge--warning',
  cannot_fill: 'fr-badge--error',
  collected: 'fr-badge--no-icon',
};

export function StatusBadge({ status, small }: { status: PreparationStatus; small?: boolean }) {
  return (
    <p
      class={`fr-badge ${VARIANT[status.code]}${small ? ' fr-badge--sm' : ''} status-badge`}
      data-testid="conversation-status"
      data-status={status.code}
    >
      <span class="fr-sr-only">Statut de la préparation : </span>
      {statusLabel(status)}
    </p>
  );
}
