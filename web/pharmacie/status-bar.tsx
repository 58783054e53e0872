import { useState } from 'preact/hooks';
import { CANNOT_FILL_REASON_MAX, STATUS_LABELS, STATUS_TRANSITIONS, statusText } from '../shared/status.ts';
import type { PreparationStatus, StatusCode, TeamConversation } from './types.ts';
import './status-bar.css';

/**
 * The preparation status the patient sees, one button per status (the current one pressed, the
 * ones the state machine does not allow from here disabled). « Partiellement prête » asks for
 * the date of the rest, « Impossible à préparer » for the reason given to the patient.
 */
const BUTTONS: StatusCode[] = ['in_preparation', 'partial', 'ready', 'collected', 'cannot_fill'];

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function StatusBar({
  conversation,
  busy,
  onSet,
}: {
  conversation: TeamConversation;
  busy: boolean;
  onSet(status: PreparationStatus): Promise<boolean>;
}) {
  const [asking, setAsking] = useState<'partial' | 'cannot_fill' | null>(null);
  const [date, setDate] = useState(today);
  const [reason, setReason] = useState('');
  const current = conversation.status.code;
  const allowed = conversation.open ? STATUS_TRANSITIONS[current] : [];

  const choose = (code: StatusCode) => {
    if (code === 'partial' || code === 'cannot_fill') {
      setAsking(code);
      return;
    }
    setAsking(null);
    void onSet({ code });
  };

  return (
    <div class="status-bar">
      <fieldset class="status-row">
        <legend class="status-label">Statut vu par le patient :</legend>
        {BUTTONS.map((code) => (
          <button
            key={code}
            type="button"
            class={`status-btn status-btn--${code}`}
            data-testid={`status-${code}`}
            aria-pressed={current === code}
            disabled={busy || !allowed.includes(code)}
            onClick={() => choose(code)}
            title={
              current === code
                ? `Statut actuel : ${statusText(conversation.status)}`
                : allowed.includes(code)
                  ? `Passer à « ${STATUS_LABELS[code]} »`
                  : `Impossible depuis « ${STATUS_LABELS[current]} »`
            }
          >
            {STATUS_LABELS[code]}
            {code === 'partial' || code === 'cannot_fill' ? '…' : ''}
          </button>
        ))}
      </fieldset>
      {asking === 'partial' && (
        <form
          class="status-ask"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await onSet({ code: 'partial', restExpectedOn: date })) setAsking(null);
          }}
        >
          <label for="rest-date">Le reste sera disponible le</label>
          <input
            id="rest-date"
            class="counter-input counter-date"
            type="date"
            min={today()}
            required
            value={date}
            onInput={(event) => setDate((event.target as HTMLInputElement).value)}
          />
          <button
            type="submit"
            class="fr-btn fr-btn--sm"
            disabled={busy}
            data-testid="status-partial-confirm"
          >
            Confirmer
          </button>
          <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => setAsking(null)}>
            Annuler
          </button>
        </form>
      )}
      {asking === 'cannot_fill' && (
        <form
          class="status-ask"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await onSet({ code: 'cannot_fill', reason: reason.trim() })) setAsking(null);
          }}
        >
          <label for="cannot-fill-reason">Raison expliquée au patient</label>
          <input
            id="cannot-fill-reason"
            class="fr-input counter-input-sm status-reason"
            required
            maxLength={CANNOT_FILL_REASON_MAX}
            value={reason}
            onInput={(event) => setReason((event.target as HTMLInputElement).value)}
          />
          <button
            type="submit"
            class="fr-btn fr-btn--sm"
            disabled={busy || reason.trim() === ''}
            data-testid="status-cannot_fill-confirm"
          >
            Confirmer
          </button>
          <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => setAsking(null)}>
            Annuler
          </button>
        </form>
      )}
    </div>
  );
}
