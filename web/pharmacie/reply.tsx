import { useEffect, useRef, useState } from 'preact/hooks';
import { MESSAGING_LIMITS } from '../../src/messaging/limits.ts';
import { ApiError, api, upload } from '../shared/api.ts';
import { useIdempotencyKey } from '../shared/idempotency.ts';
import { BUILTIN_TEMPLATES } from './builtin-templates.ts';
import type { Message, ReplyTemplate, TeamConversation } from './types.ts';
import './reply.css';

/**
 * The reply box: a template to start from (the pharmacy's, then the usual ones), the text, files,
 * send (Ctrl+Entrée). A retry of the same send reuses its Idempotency-Key. The text and the files
 * belong to the conversation view, which also closes with that text.
 */
interface Choice {
  value: string;
  title: string;
  body: string;
  templateId: string | null;
}

export function useTemplates(finess: string) {
  const [templates, setTemplates] = useState<ReplyTemplate[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    api<{ templates: ReplyTemplate[] }>('GET', `/api/pharmacies/${encodeURIComponent(finess)}/templates`)
      .then((r) => !cancelled && setTemplates(r.templates))
      .catch(() => !cancelled && setTemplates([]));
    return () => {
      cancelled = true;
    };
  }, [finess]);
  return templates;
}

export function ReplyBox({
  finess,
  conversation,
  textareaRef,
  text,
  setText,
  files,
  setFiles,
  onSent,
}: {
  finess: string;
  conversation: TeamConversation;
  textareaRef: { current: HTMLTextAreaElement | null };
  text: string;
  setText(text: string): void;
  files: File[];
  setFiles(files: File[]): void;
  onSent(result: { conversation: TeamConversation; message: Message }): void;
}) {
  const templates = useTemplates(finess);
  const [choice, setChoice] = useState('');
  const [sending, setSending] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const own = templates ?? [];
  const choices: Choice[] = [
    ...own.map((t) => ({ value: `t:${t.id}`, title: t.title, body: t.body, templateId: t.id })),
    ...BUILTIN_TEMPLATES.filter((b) => !own.some((t) => t.title.trim() === b.title)).map((b, i) => ({
      value: `b:${i}`,
      title: b.title,
      body: b.body,
      templateId: null,
    })),
  ];
  const chosen = choices.find((c) => c.value === choice) ?? null;
  const key = useIdempotencyKey([text, files, choice]);

  const pick = (value: string) => {
    setChoice(value);
    const next = choices.find((c) => c.value === value);
    if (!next) return;
    setText(next.body);
    requestAnimationFrame(() => {
      const area = textareaRef.current;
      if (!area) return;
      area.focus();
      const gap = next.body.indexOf('…');
      if (gap >= 0) area.setSelectionRange(gap, gap + 1);
      else area.setSelectionRange(next.body.length, next.body.length);
    });
  };

  const send = async () => {
    if (sending !== null) return;
    if (text.trim() === '' && files.length === 0) {
      setError('Écrivez une réponse ou joignez un fichier.');
      return;
    }
    const gap = chosen?.body.includes('…') ? text.indexOf('…') : -1;
    if (gap >= 0) {
      setError('Complétez le modèle : remplacez « … » (par exemple par la date).');
      textareaRef.current?.focus();
      textareaRef.current?.setSelectionRange(gap, gap + 1);
      return;
    }
    setError(null);
    setSending(0);
    const path = `/api/pharmacies/${encodeURIComponent(finess)}/conversations/${encodeURIComponent(conversation.id)}/messages`;
    const headers = { 'idempotency-key': key.current() };
    // The text as edited is what the patient gets; the template is recorded with it.
    const templateId = chosen?.templateId && text.trim() !== '' ? chosen.templateId : null;
    try {
      let result: { conversation: TeamConversation; message: Message };
      if (files.length > 0) {
        const form = new FormData();
        form.append('text', text);
        if (templateId) form.append('templateId', templateId);
        for (const file of files) form.append('files', file, file.name);
        result = await upload(path, form, (f) => setSending(f), headers);
      } else {
        result = await api('POST', path, { text, ...(templateId && { templateId }) }, headers);
      }
      key.sent();
      setText('');
      setChoice('');
      setFiles([]);
      if (fileInput.current) fileInput.current.value = '';
      onSent(result);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "La réponse n'a pas pu être envoyée. Réessayez.");
    } finally {
      setSending(null);
    }
  };

  return (
    <form
      class="reply"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <div class="reply-top">
        <label class="reply-label" for="reply-template">
          Modèle
        </label>
        <select
          id="reply-template"
          class="counter-select reply-template"
          data-testid="reply-template"
          value={choice}
          onChange={(event) => pick((event.target as HTMLSelectElement).value)}
        >
          <option value="">Choisir un modèle de réponse…</option>
          {own.length > 0 && (
            <optgroup label="Modèles de la pharmacie">
              {choices
                .filter((c) => c.templateId)
                .map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.title}
                  </option>
                ))}
            </optgroup>
          )}
          {choices.some((c) => !c.templateId) &&
            (own.length > 0 ? (
              <optgroup label="Réponses usuelles">
                {choices
                  .filter((c) => !c.templateId)
                  .map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.title}
                    </option>
                  ))}
              </optgroup>
            ) : (
              choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.title}
                </option>
              ))
            ))}
        </select>
        <label class="reply-files fr-btn fr-btn--sm fr-btn--tertiary fr-icon-attachment-line fr-btn--icon-left">
          <input
            ref={fileInput}
            type="file"
            class="fr-sr-only"
            multiple
            accept="application/pdf,image/jpeg,image/png,image/heic,image/heif"
            onChange={(event) => setFiles(Array.from((event.target as HTMLInputElement).files ?? []))}
          />
          Joindre
        </label>
      </div>
      <label class="fr-sr-only" for="reply-text">
        Réponse à {conversation.patient.givenNames} {conversation.patient.familyName}
      </label>
      <textarea
        id="reply-text"
        ref={textareaRef}
        class="fr-input reply-text"
        data-testid="reply-text"
        rows={4}
        maxLength={MESSAGING_LIMITS.textMax}
        placeholder="Votre réponse au patient (Ctrl+Entrée pour envoyer)"
        value={text}
        onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          }
          if (event.key === 'Escape') (event.target as HTMLTextAreaElement).blur();
        }}
      />
      {files.length > 0 && (
        <p class="reply-file-list">
          {files.length} fichier{files.length > 1 ? 's' : ''} : {files.map((f) => f.name).join(', ')}{' '}
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline"
            disabled={sending !== null}
            onClick={() => {
              setFiles([]);
              if (fileInput.current) fileInput.current.value = '';
            }}
          >
            Retirer {files.length > 1 ? 'les fichiers' : 'le fichier'}
          </button>
        </p>
      )}
      <div class="reply-bottom">
        <p class="reply-error" role="alert">
          {error}
        </p>
        <button
          type="submit"
          class="fr-btn fr-btn--sm fr-icon-send-plane-line fr-btn--icon-left"
          data-testid="reply-send"
          disabled={sending !== null}
          aria-keyshortcuts="Control+Enter"
        >
          {sending === null
            ? 'Envoyer'
            : files.length > 0
              ? `Envoi… ${Math.round(sending * 100)} %`
              : 'Envoi…'}
        </button>
      </div>
    </form>
  );
}
