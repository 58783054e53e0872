import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, upload } from '../../shared/api.ts';
import { frenchDate } from '../../shared/format.ts';
import { useIdempotencyKey } from '../../shared/idempotency.ts';
import { announce } from '../announcer.tsx';
import {
  DocumentPicker,
  FilePicker,
  type PickedFile,
  releaseFiles,
  UploadProgress,
  useReleaseOnUnmount,
} from '../attachments.tsx';
import { Breadcrumb } from '../breadcrumb.tsx';
import { Page } from '../layout.tsx';
import { setProblems, useAttachmentLimits } from '../limits.ts';
import { go, href } from '../router.ts';
import { usePageTitle } from '../title.ts';
import type { HealthDocument, SendResult, WritablePharmacy } from '../types.ts';

type PharmacyState =
  | { kind: 'loading' }
  | { kind: 'open'; pharmacy: WritablePharmacy }
  | { kind: 'refused'; explanation: string }
  | { kind: 'error'; message: string };

interface FieldErrors {
  subject?: string;
  text?: string;
  attachments?: string[];
}

function usePharmacy(finess: string): PharmacyState {
  const [state, setState] = useState<PharmacyState>({ kind: 'loading' });
  useEffect(() => {
    api<{ pharmacies: WritablePharmacy[] }>('GET', '/api/patient/pharmacies')
      .then(async ({ pharmacies }) => {
        const pharmacy = pharmacies.find((p) => p.finess === finess);
        if (pharmacy) return setState({ kind: 'open', pharmacy });
        const verdict = await api<{ explanation: string }>(
          'GET',
          `/api/patient/pharmacies/${encodeURIComponent(finess)}/eligibility`,
        );
        setState({ kind: 'refused', explanation: verdict.explanation });
      })
      .catch((e: unknown) =>
        setState({ kind: 'error', message: e instanceof ApiError ? e.message : String(e) }),
      );
  }, [finess]);
  return state;
}

function useDocuments() {
  const [documents, setDocuments] = useState<HealthDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ documents: HealthDocument[] }>('GET', '/api/patient/documents')
      .then((r) => setDocuments(r.documents))
      .catch((e: unknown) =>
        setError(
          `Vos documents n’ont pas pu être chargés : ${e instanceof ApiError ? e.message : String(e)}`,
        ),
      );
  }, []);
  return { documents, error };
}

/** The new message: subject, text, photos, PDFs and documents of the health record. */
export function ComposeView({ finess, onSent }: { finess: string; onSent(): void }) {
  const pharmacy = usePharmacy(finess);
  const documents = useDocuments();
  const rules = useAttachmentLimits();
  const limits = rules.limits;
  usePageTitle(pharmacy.kind === 'open' ? `Écrire à ${pharmacy.pharmacy.name}` : 'Écrire à ma pharmacie');

  const [subject, setSubject] = useState('Ordonnance à préparer');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [pickProblems, setPickProblems] = useState<string[]>([]);
  const [documentIds, setDocumentIds] = useState<string[]>([]);
  // Once the patient has tried to send, the problems follow every change.
  const [tried, setTried] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  useReleaseOnUnmount(files);

  const key = useIdempotencyKey([subject, text, files, documentIds]);

  const summaryRef = useRef<HTMLDivElement>(null);
  const sending = progress !== null;

  const validate = (): FieldErrors => {
    const found: FieldErrors = {};
    if (!limits) return found;
    const s = subject.trim();
    if (s.length === 0) found.subject = 'Donnez un objet à votre message.';
    else if (s.length > limits.subjectMax)
      found.subject = `L’objet est trop long : ${limits.subjectMax} caractères au maximum.`;
    if (text.length > limits.textMax)
      found.text = `Le message est trop long : ${limits.textMax} caractères au maximum.`;
    const problems = setProblems(
      files.map((f) => f.file),
      documentIds.length,
      true,
      limits,
    );
    if (problems.length > 0) found.attachments = problems;
    return found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (sending || pharmacy.kind !== 'open' || !limits) return;
    setSendError(null);
    const found = validate();
    setTried(true);
    if (found.subject || found.text || found.attachments) {
      // The summary lists every problem; focus it so that it is read at once.
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const form = new FormData();
    form.append('finess', finess);
    form.append('subject', subject.trim());
    form.append('text', text);
    for (const id of documentIds) form.append('documentIds', id);
    for (const f of files) form.append('files', f.file, f.file.name);
    setProgress(0);
    announce('Envoi de votre message en cours.');
    try {
      const sent = await upload<SendResult>('/api/patient/conversations', form, setProgress, {
        'idempotency-key': key.current(),
      });
      key.sent();
      announce(`Message envoyé à ${pharmacy.pharmacy.name}.`);
      releaseFiles(files);
      setFiles([]);
      onSent();
      go(href.conversation(sent.conversation.id));
    } catch (e) {
      const message = e instanceof ApiError ? e.message : 'L’envoi a échoué. Réessayez.';
      setSendError(message);
      requestAnimationFrame(() => summaryRef.current?.focus());
    } finally {
      setProgress(null);
    }
  };

  const errors: FieldErrors = tried ? validate() : {};
  const allProblems = [
    ...(errors.subject ? [errors.subject] : []),
    ...(errors.text ? [errors.text] : []),
    ...(errors.attachments ?? []),
  ];

  return (
    <Page>
      <Breadcrumb
        links={[
          { href: href.home, label: 'Mes messages' },
          { href: href.pharmacies, label: 'Écrire à ma pharmacie' },
        ]}
        current="Nouveau message"
      />
      <h1 class="fr-h2">Nouveau message</h1>
      {pharmacy.kind === 'loading' && <p aria-busy="true">Chargement…</p>}
      {pharmacy.kind === 'error' && (
        <div class="fr-alert fr-alert--error" role="alert">
          <p>{pharmacy.message}</p>
        </div>
      )}
      {pharmacy.kind === 'refused' && (
        <div class="fr-alert fr-alert--warning" data-testid={`refusal-${finess}`}>
          <h2 class="fr-alert__title">Vous ne pouvez pas écrire à cette pharmacie</h2>
          <p>{pharmacy.explanation}</p>
          <p>
            <a class="fr-link" href={href.pharmacies}>
              Voir les pharmacies auxquelles vous pouvez écrire
            </a>
          </p>
        </div>
      )}
      {pharmacy.kind === 'open' && rules.error && (
        <div class="fr-alert fr-alert--error" role="alert">
          <p>{rules.error}</p>
        </div>
      )}
      {pharmacy.kind === 'open' && !limits && !rules.error && <p aria-busy="true">Chargement…</p>}
      {pharmacy.kind === 'open' && limits && (
        <form onSubmit={submit} noValidate class="composer" aria-describedby="composer-to">
          <div class="fr-callout composer-to" id="composer-to">
            <p class="fr-callout__text fr-text--md fr-mb-1w">
              À : <strong>{pharmacy.pharmacy.name}</strong>, {pharmacy.pharmacy.city}
            </p>
            <p class="fr-text--sm fr-mb-0">
              Messagerie sécurisée {pharmacy.pharmacy.mailboxAddress}. Vous pouvez écrire à cette pharmacie
              jusqu’au {frenchDate(pharmacy.pharmacy.eligibleUntil)}.
            </p>
          </div>

          <div ref={summaryRef} tabIndex={-1} class="composer-summary">
            {(allProblems.length > 0 || sendError) && (
              <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" data-testid="composer-error">
                <h2 class="fr-alert__title">
                  {sendError
                    ? 'Votre message n’a pas été envoyé'
                    : 'Votre message ne peut pas encore être envoyé'}
                </h2>
                {sendError && <p>{sendError}</p>}
                {allProblems.length > 0 && (
                  <ul>
                    {allProblems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </div>

          <div class={`fr-input-group${errors.subject ? ' fr-input-group--error' : ''}`}>
            <label class="fr-label" for="composer-subject">
              Objet
              <span class="fr-hint-text">Obligatoire, {limits.subjectMax} caractères au maximum.</span>
            </label>
            <input
              class={`fr-input${errors.subject ? ' fr-input--error' : ''}`}
              type="text"
              id="composer-subject"
              name="subject"
              data-testid="composer-subject"
              required
              maxLength={limits.subjectMax}
              value={subject}
              disabled={sending}
              aria-invalid={errors.subject ? 'true' : undefined}
              aria-describedby={errors.subject ? 'composer-subject-error' : undefined}
              onInput={(e) => setSubject((e.currentTarget as HTMLInputElement).value)}
            />
            {errors.subject && (
              <p id="composer-subject-error" class="fr-error-text">
                {errors.subject}
              </p>
            )}
          </div>

          <div class={`fr-input-group${errors.text ? ' fr-input-group--error' : ''}`}>
            <label class="fr-label" for="composer-text">
              Message
              <span class="fr-hint-text">
                Facultatif : précisez par exemple quand vous passerez, ou si vous avez une question.
              </span>
            </label>
            <textarea
              class={`fr-input${errors.text ? ' fr-input--error' : ''}`}
              id="composer-text"
              name="text"
              rows={5}
              data-testid="composer-text"
              value={text}
              disabled={sending}
              aria-invalid={errors.text ? 'true' : undefined}
              aria-describedby={errors.text ? 'composer-text-error' : undefined}
              onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            />
            {errors.text && (
              <p id="composer-text-error" class="fr-error-text">
                {errors.text}
              </p>
            )}
          </div>

          <section class="composer-attachments fr-mb-3w" aria-labelledby="attachments-title">
            <h2 id="attachments-title" class="fr-h5">
              Ordonnance et pièces jointes
            </h2>
            <p class="fr-text--sm">
              Joignez au moins une pièce : une photo de votre ordonnance papier, un fichier PDF ou une
              ordonnance numérique de « Mes documents ».{' '}
              <span data-testid="attachment-count">
                {files.length + documentIds.length} sur {limits.maxFiles} pièces jointes.
              </span>
            </p>
            {errors.attachments && (
              <div class="fr-messages-group fr-mb-2w">
                {errors.attachments.map((p) => (
                  <p key={p} class="fr-message fr-message--error">
                    {p}
                  </p>
                ))}
              </div>
            )}
            <FilePicker
              prefix="composer"
              files={files}
              onChange={setFiles}
              problems={pickProblems}
              onProblems={setPickProblems}
              otherCount={documentIds.length}
              disabled={sending}
              limits={limits}
            />
            <DocumentPicker
              documents={documents.documents}
              error={documents.error}
              selected={documentIds}
              onChange={setDocumentIds}
              disabled={sending}
            />
          </section>

          {progress !== null && <UploadProgress fraction={progress} />}

          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <button
                type="submit"
                class="fr-btn fr-icon-send-plane-line"
                data-testid="composer-send"
                disabled={sending}
              >
                {sending ? 'Envoi en cours…' : 'Envoyer à la pharmacie'}
              </button>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary fr-icon-arrow-left-line" href={href.pharmacies}>
                Annuler
              </a>
            </li>
          </ul>
        </form>
      )}
    </Page>
  );
}
