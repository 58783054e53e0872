import { fullDateTime } from './format.ts';
import type { TeamConversation } from './types.ts';

/**
 * What the team does to a conversation, beside the reply box: claim (« Je m'en occupe ») and hand
 * over to a colleague, close (with the reply's text as a last message).
 */
export function ClaimActions({
  conversation,
  mine,
  busy,
  handOverShown,
  onClaim,
  onToggleHandOver,
}: {
  conversation: TeamConversation;
  mine: boolean;
  busy: boolean;
  handOverShown: boolean;
  onClaim(): void;
  onToggleHandOver(): void;
}) {
  return (
    <div class="conv-claim">
      {conversation.claimedBy ? (
        <span class={mine ? 'conv-claimed conv-claimed--mine' : 'conv-claimed'}>
          {mine ? 'Vous vous en occupez' : `Pris en charge par ${conversation.claimedBy.name}`}
        </span>
      ) : (
        conversation.open && (
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-icon-user-line fr-btn--icon-left"
            data-testid="claim"
            disabled={busy}
            aria-keyshortcuts="m"
            onClick={onClaim}
          >
            Je m'en occupe
          </button>
        )
      )}
      {conversation.open && (
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--tertiary"
          aria-expanded={handOverShown}
          onClick={onToggleHandOver}
        >
          Confier…
        </button>
      )}
    </div>
  );
}

export function CloseAction({
  conversation,
  busy,
  confirmShown,
  onToggle,
}: {
  conversation: TeamConversation;
  busy: boolean;
  confirmShown: boolean;
  onToggle(): void;
}) {
  return (
    <div class="conv-close">
      {conversation.open ? (
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-mail-close-line fr-btn--icon-left"
          data-testid="close-conversation"
          aria-expanded={confirmShown}
          disabled={busy}
          onClick={onToggle}
        >
          Clore
        </button>
      ) : (
        <span class="conv-closed" data-testid="conversation-closed">
          Close {conversation.closedAt ? `le ${fullDateTime(conversation.closedAt)}` : ''}
        </span>
      )}
    </div>
  );
}

export function HandOverPanel({
  busy,
  colleague,
  setColleague,
  onSubmit,
  onCancel,
}: {
  busy: boolean;
  colleague: string;
  setColleague(rpps: string): void;
  onSubmit(): void;
  onCancel(): void;
}) {
  return (
    <form
      class="conv-panel"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <label for="hand-over-rpps">Confier la conversation au collègue de RPPS</label>
      <input
        id="hand-over-rpps"
        class="fr-input counter-input-sm"
        inputMode="numeric"
        pattern="\d{11}"
        required
        value={colleague}
        onInput={(event) => setColleague((event.target as HTMLInputElement).value)}
      />
      <button type="submit" class="fr-btn fr-btn--sm" disabled={busy}>
        Confier
      </button>
      <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={onCancel}>
        Annuler
      </button>
    </form>
  );
}

/**
 * Closing asks first. The close sends the reply's text as the last message, but no files (the
 * close route takes a text only): with files picked, closing waits until they are sent or removed.
 */
export function ClosePanel({
  busy,
  text,
  fileCount,
  onConfirm,
  onCancel,
}: {
  busy: boolean;
  text: string;
  fileCount: number;
  onConfirm(): void;
  onCancel(): void;
}) {
  const blocked = fileCount > 0;
  return (
    <div class="conv-panel conv-panel--warning">
      <p id="close-hint">
        <strong>Clore la conversation ?</strong> Le patient ne pourra plus y écrire.
        {!blocked && text.trim() !== '' && ' Le texte de la réponse sera envoyé comme dernier message.'}
        {blocked &&
          (fileCount > 1
            ? ' Les fichiers joints ne partiraient pas avec la clôture : envoyez d’abord la réponse, ou retirez-les.'
            : ' Le fichier joint ne partirait pas avec la clôture : envoyez d’abord la réponse, ou retirez-le.')}
      </p>
      <button
        type="button"
        class="fr-btn fr-btn--sm"
        data-testid="close-confirm"
        disabled={busy || blocked}
        aria-describedby="close-hint"
        onClick={onConfirm}
      >
        Clore la conversation
      </button>
      <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={onCancel}>
        Annuler
      </button>
    </div>
  );
}
