import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, upload } from '../../shared/api.ts';
import { frenchSize } from '../../shared/format.ts';
import { useIdempotencyKey } from '../../shared/idempotency.ts';
import { useLiveEvents } from '../../shared/live.ts';
import { announce } from '../announcer.tsx';
import {
  FilePicker,
  type PickedFile,
  releaseFiles,
  UploadProgress,
  useReleaseOnUnmount,
} from '../attachments.tsx';
import { Breadcrumb } from '../breadcrumb.tsx';
import { frenchDateTime, frenchWhen } from '../format.ts';
import { Page } from '../layout.tsx';
import { type AttachmentLimits, setProblems, useAttachmentLimits } from '../limits.ts';
import { href } from '../router.ts';
import { StatusBadge } from '../status.tsx';
import { usePageTitle } from '../title.ts';
import type { Attachment, ConversationDetail, Message, SendResult } from '../types.ts';

const attachmentUrl = (id: string) => `/api/patient/attachments/${encodeURIComponent(id)}`;

function typeWord(a: Attachment): string {
  if (a.kind === 'pdf') return a.pages ? `PDF, ${a.pages} page${a.pages > 1 ? 's' : ''}` : 'PDF';
  return 'Photo JPEG';
}

function AttachmentItem({ attachment: a }: { attachment: Attachment }) {
  const [expanded, setExpanded] = useState(false);
  const image = a.kind === 'image';
  return (
    <li class="attachment" data-testid="attachment">
      <div class="attachment__row">
        {a.hasThumbnail ? (
          image ? (
            <button
              type="button"
              class="attachment__thumb-button"
              aria-expanded={expanded}
              onClick={() => setExpanded(!expanded)}
              aria-label={expanded ? `Réduire ${a.fileName}` : `Agrandir ${a.fileName}`}
            >
              <img class="attachment__thumb" src={`${attachmentUrl(a.id)}/thumbnail`} alt="" loading="lazy" />
            </button>
          ) : (
            <img class="attachment__thumb" src={`${attachmentUrl(a.id)}/thumbnail`} alt="" loading="lazy" />
          )
        ) : (
          <span
            class={`${image ? 'fr-icon-image-line' : 'fr-icon-file-pdf-line'} fr-icon--lg attachment__icon`}
            aria-hidden="true"
          />
        )}
        <div class="attachment__body">
          <a
            class="fr-link fr-icon-download-line fr-link--icon-right attachment__download"
            href={attachmentUrl(a.id)}
            download={a.fileName}
          >
            {a.fileName}
            <span class="fr-sr-only"> — télécharger</span>
          </a>
          <p class="fr-text--xs fr-mb-0 attachment__detail">
            {typeWord(a)} – {frenchSize(a.size)}
          </p>
          {a.prescriptionNumbers.map((n) => (
            <p key={n} class="fr-badge fr-badge--sm fr-badge--blue-ecume fr-mt-1w">
              Ordonnance numérique n° {n}
            </p>
          ))}
        </div>
      </div>
      {image && expanded && (
        <img
          class="attachment__full"
          src={attachmentUrl(a.id)}
          alt={`Pièce jointe ${a.fileName}, en grand`}
        />
      )}
    </li>
  );
}

function MessageItem({ message: m, pharmacyName }: { message: Message; pharmacyName: string }) {
  const mine = m.author.kind === 'patient';
  const author = mine
    ? 'Vous'
    : m.author.kind === 'software'
      ? pharmacyName
      : `${m.author.name} — ${pharmacyName}`;
  return (
    <li
      class={`message ${mine ? 'message--mine' : 'message--team'}`}
      data-testid="message"
      data-author={mine ? 'patient' : 'professional'}
    >
      <article
        class="message__bubble"
        aria-label={`Message de ${mine ? 'vous' : author}, ${frenchWhen(m.createdAt)}`}
      >
        <header class="message__head">
          <p class="fr-text--sm fr-text--bold fr-mb-0 message__author">{author}</p>
          <p class="fr-text--xs fr-mb-0 message__time">
            <time dateTime={m.createdAt}>{frenchWhen(m.createdAt)}</time>
          </p>
        </header>
        {m.text && <p class="message__text fr-mb-0">{m.text}</p>}
        {m.attachments.length > 0 && (
          <ul class="attachments" aria-label="Pièces jointes">
            {m.attachments.map((a) => (
              <AttachmentItem key={a.id} attachment={a} />
            ))}
          </ul>
        )}
      </article>
    </li>
  );
}

function ReplyBox({ id, onSent, limits }: { id: string; onSent(): void; limits: AttachmentLimits }) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [pickProblems, setPickProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  useReleaseOnUnmount(files);
  const key = useIdempotencyKey([text, files]);
  const sending = progress !== null;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    const problems = setProblems(
      files.map((f) => f.file),
      0,
      false,
      limits,
    );
    if (text.trim() === '' && files.length === 0)
      problems.unshift('Écrivez votre réponse ou joignez un fichier.');
    if (text.length > limits.textMax) problems.push(`${limits.textMax} caractères au maximum.`);
    if (problems.length > 0) {
      setError(problems.join(' '));
      return;
    }
    setError(null);
    const form = new FormData();
    form.append('text', text);
    for (const f of files) form.append('files', f.file, f.file.name);
    setProgress(0);
    try {
      await upload<SendResult>(
        `/api/patient/conversations/${encodeURIComponent(id)}/messages`,
        form,
        setProgress,
        { 'idempotency-key': key.current() },
      );
      key.sent();
      announce('Réponse envoyée.');
      setText('');
      releaseFiles(files);
      setFiles([]);
      setPickProblems([]);
      onSent();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'L’envoi a échoué. Réessayez.');
      if (e instanceof ApiError && e.code === 'CONVERSATION_CLOSED') onSent();
    } finally {
      setProgress(null);
    }
  };

  return (
    <form onSubmit={submit} noValidate class="reply-box" aria-labelledby="reply-title">
      <h2 id="reply-title" class="fr-h5">
        Répondre à la pharmacie
      </h2>
      <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
        <label class="fr-label" for="reply-text">
          Votre réponse
        </label>
        <textarea
          class={`fr-input${error ? ' fr-input--error' : ''}`}
          id="reply-text"
          rows={4}
          data-testid="reply-text"
          value={text}
          disabled={sending}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'reply-error' : undefined}
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        />
        {error && (
          <p id="reply-error" class="fr-error-text" role="alert" data-testid="reply-error">
            {error}
          </p>
        )}
      </div>
      <details class="reply-files fr-mb-2w" open={files.length > 0 || pickProblems.length > 0}>
        <summary class="fr-text--sm">Joindre une photo ou un fichier (facultatif)</summary>
        <FilePicker
          prefix="reply"
          files={files}
          onChange={setFiles}
          problems={pickProblems}
          onProblems={setPickProblems}
          otherCount={0}
          disabled={sending}
          limits={limits}
        />
      </details>
      {progress !== null && <UploadProgress fraction={progress} />}
      <button
        type="submit"
        class="fr-btn fr-icon-send-plane-line fr-btn--icon-left"
        data-testid="reply-send"
        disabled={sending}
      >
        {sending ? 'Envoi en cours…' : 'Envoyer la réponse'}
      </button>
    </form>
  );
}

export function ConversationView({
  id,
  onChanged,
  streamLive,
}: {
  id: string;
  onChanged(): void;
  /** Without the live stream, look for news every 30 seconds. */
  streamLive: boolean;
}) {
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rules = useAttachmentLimits();
  usePageTitle(
    detail ? `${detail.conversation.subject} — ${detail.conversation.pharmacy.name}` : 'Conversation',
  );

  const load = useCallback(() => {
    api<ConversationDetail>('GET', `/api/patient/conversations/${encodeURIComponent(id)}`)
      .then((d) => {
        setDetail(d);
        setError(null);
        onChanged();
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [id, onChanged]);

  // Once per conversation: the view is keyed by id.
  useEffect(() => load(), [id]);

  useEffect(() => {
    if (streamLive) return;
    const timer = setInterval(load, 30_000);
    return () => clearInterval(timer);
  }, [streamLive, load]);

  useLiveEvents((event) => {
    if (!('conversationId' in event) || (event.conversationId === id && event.kind !== 'read')) load();
  });

  const c = detail?.conversation;
  return (
    <Page>
      <Breadcrumb
        links={[{ href: href.home, label: 'Mes messages' }]}
        current={c ? c.subject : 'Conversation'}
      />
      {error && (
        <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
          <p>{error}</p>
        </div>
      )}
      {!detail && !error && (
        <>
          <h1 class="fr-h3">Conversation</h1>
          <p aria-busy="true">Chargement…</p>
        </>
      )}
      {detail && c && (
        <>
          <div class="conversation-head">
            <h1 class="fr-h3 fr-mb-1w">{c.subject}</h1>
            <p class="fr-text--md fr-mb-1w">
              <span class="fr-icon-first-aid-kit-line fr-icon--sm" aria-hidden="true" /> {c.pharmacy.name}
            </p>
            <div class="conversation-head__status">
              <StatusBadge status={c.status} />
            </div>
          </div>
          <h2 class="fr-sr-only">Messages</h2>
          <ol class="message-list">
            {detail.messages.map((m) => (
              <MessageItem key={m.id} message={m} pharmacyName={c.pharmacy.name} />
            ))}
          </ol>
          {c.open ? (
            <>
              {rules.limits && <ReplyBox id={c.id} onSent={load} limits={rules.limits} />}
              {rules.error && (
                <div class="fr-alert fr-alert--error fr-alert--sm" role="alert">
                  <p>{rules.error}</p>
                </div>
              )}
            </>
          ) : (
            <div class="fr-callout fr-icon-lock-line" data-testid="conversation-closed">
              <p class="fr-callout__text fr-text--md">
                Cette conversation a été clôturée par la pharmacie
                {c.closedAt ? ` le ${frenchDateTime(c.closedAt)}` : ''}. Vous ne pouvez plus y répondre.
              </p>
              <p class="fr-text--sm fr-mb-0">
                Pour une nouvelle demande,{' '}
                <a class="fr-link" href={href.compose(c.pharmacy.finess)}>
                  écrivez un nouveau message à {c.pharmacy.name}
                </a>
                .
              </p>
            </div>
          )}
          <p class="fr-mt-4w">
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href.home}>
              Retour à mes messages
            </a>
          </p>
        </>
      )}
    </Page>
  );
}
