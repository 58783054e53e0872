import { STATUS_BADGE, statusText } from '../shared/status.ts';
import type { PreparationStatus } from './types.ts';

/** The pharmacy's preparation status, in the words the counter's buttons use (web/shared/status.ts). */
export function StatusBadge({ status, small }: { status: PreparationStatus; small?: boolean }) {
  return (
    <p
      class={`fr-badge ${STATUS_BADGE[status.code]}${small ? ' fr-badge--sm' : ''} status-badge`}
      data-testid="conversation-status"
      data-status={status.code}
    >
      <span class="fr-sr-only">Statut de la préparation : </span>
      {statusText(status)}
    </p>
  );
}
