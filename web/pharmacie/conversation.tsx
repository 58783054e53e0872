import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { Documents } from './documents.tsx';
import { fullDateTime, patientName, STATUS_BADGE, statusText, when } from './format.ts';
import { useShortcuts } from './keys.ts';
import { useLiveEvents } from './live.ts';
import { copyText } from './prescription.tsx';
import { ReplyBox } from './reply.tsx';
import { go, href } from './router.ts';
import { StatusBar } from './status-bar.tsx';
import type {
  Attachment,
  ConversationDetail,
  Me,
  Message,
  PreparationStatus,
  TeamConversation,
} from './types.ts';

/**
 * One conversation at the counter: who, what status the patient sees, the thread and the reply
 * box on the left, the e-prescription and the documents (photo viewer, PDF) on the right.
 * Opening it marks it read for this member (and clears the pop-up on every workstation).
 */
type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ready'; detail: ConversationDetail };

export function ConversationView({
  id,
  me,
  finess,
  onChanged,
}: {
  id: string;
  me: Me;
  finess: string;
  onChanged(): void;
}) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const [text, setText] = useState('');
  const [confirmClose, setConfirmClose] = useState(false);
  const [handOver, setHandOver] = useState(false);
  const [colleague, setColleague] = useState('');
  const reply = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const base = `/api/pharmacies/${encodeURIComponent(finess)}/conversations/${encodeURIComponent(id)}`;

  const load = async (first: boolean) => {
    try {
      const detail = await api<ConversationDetail>('GET', base);
      setLoaded({ kind: 'ready', detail });
      if (first) {
        onChanged();
        requestAnimationFrame(() => heading.current?.focus());
      }
    } catch (error) {
      if (first || !(error instanceof ApiError) || error.status !== 0)
        setLoaded({
          kind: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'UNKNOWN', 'Erreur inattendue.'),
        });
    }
  };

  useEffect(() => {
    void load(true);
  }, [id]);

  // What others do on it shows here. Reloading marks a new patient message read (and clears the
  // pop-up everywhere), so a tab in the background waits until someone looks at it again.
  const stale = useRef(false);
  const reload = () => {
    if (document.visibilityState === 'visible') void load(false);
    else stale.current = true;
  };
  useLiveEvents((event) => {
    if (event.kind === 'resync') reload();
    else if ('conversationId' in event && event.conversationId === id && event.kind !== 'read') reload();
  });
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && stale.current) {
        stale.current = false;
        void load(false);
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [id]);

  const act = async (
    what: string,
    run: () => Promise<TeamConversation | { conversation: TeamConversation; message: Message }>,
  ) => {
    setBusy(true);
    setNotice(null);
    try {
      await run();
      await load(false);
      setNotice({ tone: 'success', text: what });
      onChanged();
      return true;
    } catch (error) {
      setNotice({ tone: 'error', text: error instanceof ApiError ? error.message : 'Action impossible.' });
      if (error instanceof ApiError && error.status === 409) await load(false);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const detail = loaded.kind === 'ready' ? loaded.detail : null;
  const conversation = detail?.conversation ?? null;
  const numbers = detail ? prescriptionNumbers(detail.messages) : [];

  useShortcuts({
    Escape: () => go(href.inbox),
    m: () => {
      if (conversation?.open && !conversation.claimedBy) void claim();
    },
    r: () => reply.current?.focus(),
    c: () => {
      const first = numbers[0];
      if (first)
        void copyText(first).then((ok) =>
          setNotice(
            ok
              ? { tone: 'success', text: `Numéro ${first} copié.` }
              : { tone: 'error', text: 'Copie impossible : sélectionnez le numéro.' },
          ),
        );
    },
  });

  const claim = () => act('Vous vous occupez de cette conversation.', () => api('POST', `${base}/claim`));
  const setStatus = (status: PreparationStatus) =>
    act('Statut mis à jour : le patient le voit.', () => api('POST', `${base}/status`, bodyOf(status)));
  const close = () =>
    act('Conversation close : le patient ne peut plus y répondre.', async () => {
      const result = await api<TeamConversation>(
        'POST',
        `${base}/close`,
        text.trim() === '' ? {} : { text: text.trim() },
      );
      setText('');
      setConfirmClose(false);
      return result;
    });
  const handOverTo = () =>
    act('Conversation confiée.', async () => {
      const result = await api<TeamConversation>('POST', `${base}/hand-over`, { rpps: colleague.trim() });
      setHandOver(false);
      setColleague('');
      return result;
    });

  if (loaded.kind === 'loading') {
    return (
      <p class="inbox-note" role="status">
        Ouverture de la conversation…
      </p>
    );
  }
  if (loaded.kind === 'error' || !detail || !conversation) {
    return (
      <div class="counter-message">
        <h1 class="fr-h5">Conversation indisponible</h1>
        <div class="fr-alert fr-alert--error fr-alert--sm">
          <p>{loaded.kind === 'error' ? loaded.error.message : 'Erreur.'}</p>
        </div>
        <p class="fr-mt-2w">
          <a href={href.inbox}>Revenir à la boîte de réception</a>
        </p>
      </div>
    );
  }

  const mine = conversation.claimedBy?.rpps === me.rpps;
  return (
    <div class="conv">
      <div class="conv-head">
        <a
          class="conv-back fr-link fr-icon-arrow-left-line fr-link--icon-left"
          href={href.inbox}
          aria-keyshortcuts="Escape"
        >
          Boîte
        </a>
        <div class="conv-who">
          <h1 class="conv-name" ref={heading} tabIndex={-1}>
            {patientName(conversation)}
          </h1>
          <span class="conv-sub">
            {conversation.subject ? `« ${conversation.subject} » · ` : ''}reçue {when(conversation.createdAt)}{' '}
            · <span class="conv-address">{conversation.patient.address}</span>
          </span>
        </div>
        <span class={`fr-badge fr-badge--sm fr-badge--no-icon ${STATUS_BADGE[conversation.status.code]}`}>
          {statusText(conversation.status)}
        </span>
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
                onClick={() => void claim()}
              >
                Je m'en occupe
              </button>
            )
          )}
          {conversation.open && (
            <button
              type="button"
              class="fr-btn fr-btn--sm fr-btn--tertiary"
              aria-expanded={handOver}
              onClick={() => setHandOver((shown) => !shown)}
            >
              Confier…
            </button>
          )}
        </div>
        <div class="conv-close">
          {conversation.open ? (
            <button
              type="button"
              class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-mail-close-line fr-btn--icon-left"
              data-testid="close-conversation"
              aria-expanded={confirmClose}
              disabled={busy}
              onClick={() => setConfirmClose((shown) => !shown)}
            >
              Clore
            </button>
          ) : (
            <span class="conv-closed" data-testid="conversation-closed">
              Close {conversation.closedAt ? `le ${fullDateTime(conversation.closedAt)}` : ''}
            </span>
          )}
        </div>
      </div>
      {handOver && (
        <form
          class="conv-panel"
          onSubmit={(event) => {
            event.preventDefault();
            void handOverTo();
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
          <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => setHandOver(false)}>
            Annuler
          </button>
        </form>
      )}
      {confirmClose && (
        <div class="conv-panel conv-panel--warning">
          <p>
            <strong>Clore la conversation ?</strong> Le patient ne pourra plus y écrire.
            {text.trim() !== '' && ' Le texte de la réponse sera envoyé comme dernier message.'}
          </p>
          <button
            type="button"
            class="fr-btn fr-btn--sm"
            data-testid="close-confirm"
            disabled={busy}
            onClick={() => void close()}
          >
            Clore la conversation
          </button>
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary"
            onClick={() => setConfirmClose(false)}
          >
            Annuler
          </button>
        </div>
      )}
      <StatusBar conversation={conversation} busy={busy} onSet={setStatus} />
      <div class={`conv-notice${notice ? ` conv-notice--${notice.tone}` : ''}`} role="status">
        {notice?.text}
      </div>
      <div class="conv-body">
        <section class="conv-thread" aria-label="Messages">
          <ol class="thread">
            {detail.messages.map((message) => (
              <MessageItem key={message.id} message={message} />
            ))}
          </ol>
          {conversation.open ? (
            <ReplyBox
              finess={finess}
              conversation={conversation}
              textareaRef={reply}
              text={text}
              setText={setText}
              onSent={() => {
                void load(false);
                setNotice({ tone: 'success', text: 'Réponse envoyée.' });
                onChanged();
              }}
            />
          ) : (
            <p class="conv-closed-note">Conversation close : plus aucune réponse possible.</p>
          )}
        </section>
        <Documents
          finess={finess}
          conversationId={conversation.id}
          messages={detail.messages}
          numbers={numbers}
        />
      </div>
    </div>
  );
}

function bodyOf(status: PreparationStatus) {
  if (status.code === 'partial') return { status: 'partial', restExpectedOn: status.restExpectedOn };
  if (status.code === 'cannot_fill') return { status: 'cannot_fill', reason: status.reason };
  return { status: status.code };
}

function prescriptionNumbers(messages: Message[]): string[] {
  const numbers: string[] = [];
  for (const message of [...messages].reverse())
    for (const a of message.attachments)
      for (const n of a.prescriptionNumbers) if (!numbers.includes(n)) numbers.push(n);
  return numbers;
}

function MessageItem({ message }: { message: Message }) {
  const fromPatient = message.author.kind === 'patient';
  return (
    <li
      class={`msg ${fromPatient ? 'msg--patient' : 'msg--team'}`}
      data-testid="message"
      data-author={message.author.kind}
    >
      <div class="msg-head">
        <strong>{message.author.name}</strong>
        <time dateTime={message.createdAt} title={fullDateTime(message.createdAt)}>
          {when(message.createdAt)}
        </time>
        {message.closesConversation && <span class="msg-tag">a clos la conversation</span>}
      </div>
      {message.text && <p class="msg-text">{message.text}</p>}
      {message.attachments.length > 0 && (
        <ul class="msg-files">
          {message.attachments.map((a) => (
            <li key={a.id}>
              <AttachmentChip attachment={a} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function AttachmentChip({ attachment: a }: { attachment: Attachment }) {
  return (
    <button
      type="button"
      class="msg-file"
      onClick={() => {
        const target = document.getElementById(`doc-${a.id}`);
        target?.scrollIntoView({ block: 'start', behavior: 'smooth' });
        target?.querySelector<HTMLElement>('[tabindex="0"]')?.focus({ preventScroll: true });
      }}
    >
      <span
        class={a.kind === 'pdf' ? 'fr-icon-file-pdf-line fr-icon--sm' : 'fr-icon-image-line fr-icon--sm'}
        aria-hidden="true"
      />
      {a.prescriptionNumbers.length > 0 ? 'Ordonnance numérique' : a.kind === 'pdf' ? 'PDF' : 'Photo'} ·{' '}
      {a.fileName}
    </button>
  );
}
