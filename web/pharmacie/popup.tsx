import type { Alert } from './alerts.ts';
import { when } from './format.ts';
import { href } from './router.ts';
import './popup.css';

/**
 * The pop-up: one card per conversation a patient just wrote in, until someone opens or claims it
 * (on any workstation). « Masquer » hides it on this workstation until it rings again.
 */
export function Popup({ alerts, onHide }: { alerts: Alert[]; onHide(conversationId: string): void }) {
  const shown = alerts.filter((a) => !a.hidden);
  if (shown.length === 0) return null;
  return (
    <section class="counter-popup" data-testid="popup" aria-label="Nouveaux messages de patients">
      {shown.map((alert) => (
        <div class="counter-popup__card" key={alert.conversationId}>
          <a
            class="counter-popup__item"
            href={href.conversation(alert.conversationId)}
            data-testid={`popup-item-${alert.conversationId}`}
          >
            <span class="counter-popup__title">
              <span class="fr-icon-mail-unread-line fr-icon--sm" aria-hidden="true" />
              <strong>{alert.patient}</strong>
              <span class="counter-popup__time">{when(alert.at)}</span>
            </span>
            <span class="counter-popup__summary">{alert.summary}</span>
            {alert.subject && <span class="counter-popup__subject">« {alert.subject} »</span>}
          </a>
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-close-line counter-popup__hide"
            title={`Masquer l'alerte de ${alert.patient} sur ce poste`}
            onClick={() => onHide(alert.conversationId)}
          >
            Masquer l'alerte de {alert.patient}
          </button>
        </div>
      ))}
    </section>
  );
}
