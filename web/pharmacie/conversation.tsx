import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { useLiveEvents } from '../shared/live.ts';
import { STATUS_BADGE, statusText } from '../shared/status.ts';
import { ClaimActions, CloseAction, ClosePanel, HandOverPanel } from './conversation-actions.tsx';
import { Documents } from './documents.tsx';
import { patientName, when } from './format.ts';
import { useShortcuts } from './keys.ts';
import { copyText } from './prescription.tsx';
import { ReplyBox } from './reply.tsx';
import { go, href } from './router.ts';
import { StatusBar } from './status-bar.tsx';
import { prescriptionNumbers, Thread } from './thread.tsx';
import type { ConversationDetail, Me, Message, PreparationStatus, TeamConversation } from './types.ts';
import './conversation.css';

/**
 * One conversation at the counter: who, what status the patient sees, the thread and the reply
 * box on the left, the e-prescription and the documents (photo viewer, PDF) on the right.
 *
 * Opening it (a deliberate act: a click, a key, a pop-up) marks it read for this member, which
 * clears the pop-up on every workstation. What others do on it reloads it live, but marks it read
 * only when this window has the focus: a counter left showing it behind the pharmacy software
 * reads with `markRead=false`, and marks it read once someone comes back to the window.
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
  const [files, setFiles] = useState<File[]>([]);
  const [confirmClose, setConfirmClose] = useState(false);
  const [handOver, setHandOver] = useState(false);
  const [colleague, setColleague] = useState('');
  const reply = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const base = `/api/pharmacies/${encodeURIComponent(finess)}/conversations/${encodeURIComponent(id)}`;

  /** `open`: the member chose to open it; `refresh`: it changed, and may be on screen unwatched. */
  const load = async (how: 'open' | 'refresh') => {
    const markRead = how === 'open' || document.hasFocus();
    try {
      const detail = await api<ConversationDetail>('GET', markRead ? base : `${base}?markRead=false`);
      setLoaded({ kind: 'ready', detail });
      if (how === 'open') requestAnimationFrame(() => heading.current?.focus());
      if (markRead) onChanged();
    } catch (error) {
      if (how === 'open' || !(error instanceof ApiError) || error.status !== 0)
        setLoaded({
          kind: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'UNKNOWN', 'Erreur inattendue.'),
        });
    }
  };

  useEffect(() => {
    void load('open');
  }, [id]);

  useLiveEvents((event) => {
    if (event.kind === 'resync') void load('refresh');
    else if ('conversationId' in event && event.conversationId === id && event.kind !== 'read')
      void load('refresh');
  });

  // Back to a window that shows an unread message: now someone is looking at it.
  const unreadShown = loaded.kind === 'ready' && loaded.detail.conversation.unread;
  useEffect(() => {
    if (!unreadShown) return;
    const onFocus = () => void load('refresh');
    addEventListener('focus', onFocus);
    return () => removeEventListener('focus', onFocus);
  }, [unreadShown, id]);

  const act = async (
    what: string,
    run: () => Promise<TeamConversation | { conversation: TeamConversation; message: Message }>,
  ) => {
    setBusy(true);
    setNotice(null);
    try {
      await run();
      await load('refresh');
      setNotice({ tone: 'success', text: what });
      onChanged();
      return true;
    } catch (error) {
      setNotice({ tone: 'error', text: error instanceof ApiError ? error.message : 'Action impossible.' });
      if (error instanceof ApiError && error.status === 409) await load('refresh');
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
        <ClaimActions
          conversation={conversation}
          mine={conversation.claimedBy?.rpps === me.rpps}
          busy={busy}
          handOverShown={handOver}
          onClaim={() => void claim()}
          onToggleHandOver={() => setHandOver((shown) => !shown)}
        />
        <CloseAction
          conversation={conversation}
          busy={busy}
          confirmShown={confirmClose}
          onToggle={() => setConfirmClose((shown) => !shown)}
        />
      </div>
      {handOver && (
        <HandOverPanel
          busy={busy}
          colleague={colleague}
          setColleague={setColleague}
          onSubmit={() => void handOverTo()}
          onCancel={() => setHandOver(false)}
        />
      )}
      {confirmClose && (
        <ClosePanel
          busy={busy}
          text={text}
          fileCount={files.length}
          onConfirm={() => void close()}
          onCancel={() => setConfirmClose(false)}
        />
      )}
      <StatusBar conversation={conversation} busy={busy} onSet={setStatus} />
      <div class={`conv-notice${notice ? ` conv-notice--${notice.tone}` : ''}`} role="status">
        {notice?.text}
      </div>
      <div class="conv-body">
        <section class="conv-thread" aria-label="Messages">
          <Thread messages={detail.messages} />
          {conversation.open ? (
            <ReplyBox
              finess={finess}
              conversation={conversation}
              textareaRef={reply}
              text={text}
              setText={setText}
              files={files}
              setFiles={setFiles}
              onSent={() => {
                void load('refresh');
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
