import { useEffect, useMemo, useState } from 'preact/hooks';
import { frenchDate, frenchSize } from '../shared/format.ts';
import { type AttachmentLimits, acceptAttribute, acceptedWording, fileProblem, isPdf } from './limits.ts';
import type { HealthDocument } from './types.ts';

/** A file the patient picked, with its preview (a blob: URL for photos the browser can show). */
export interface PickedFile {
  key: string;
  file: File;
  preview: string | null;
}

let counter = 0;

export function pickFiles(
  files: readonly File[],
  limits: AttachmentLimits,
): { picked: PickedFile[]; problems: string[] } {
  const picked: PickedFile[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const problem = fileProblem(file, limits);
    if (problem) {
      problems.push(problem);
      continue;
    }
    counter += 1;
    const image = file.type.startsWith('image/') && !/hei[cf]/i.test(file.type);
    picked.push({ key: `f${counter}`, file, preview: image ? URL.createObjectURL(file) : null });
  }
  return { picked, problems };
}

export function releaseFiles(files: readonly PickedFile[]): void {
  for (const f of files) if (f.preview) URL.revokeObjectURL(f.preview);
}

function FileTile({ picked, onRemove }: { picked: PickedFile; onRemove: () => void }) {
  const [broken, setBroken] = useState(false);
  const { file } = picked;
  const pdf = isPdf(file);
  return (
    <li class="file-tile" data-testid="picked-file">
      <div class="file-tile__preview">
        {picked.preview && !broken ? (
          <img src={picked.preview} alt="" onError={() => setBroken(true)} />
        ) : (
          <span
            class={`${pdf ? 'fr-icon-file-pdf-line' : 'fr-icon-image-line'} fr-icon--lg file-tile__icon`}
            aria-hidden="true"
          />
        )}
      </div>
      <div class="file-tile__body">
        <p class="fr-text--sm fr-mb-0 file-tile__name">{file.name}</p>
        <p class="fr-text--xs fr-mb-0 file-tile__meta">
          {pdf ? 'Document PDF' : 'Photo'} · {frenchSize(file.size)}
        </p>
      </div>
      <button
        type="button"
        class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-line fr-btn--icon-left file-tile__remove"
        onClick={onRemove}
        aria-label={`Retirer ${file.name}`}
      >
        Retirer
      </button>
    </li>
  );
}

interface FilePickerProps {
  /** Prefix of element ids and test ids: `composer` or `reply`. */
  prefix: string;
  files: PickedFile[];
  onChange(files: PickedFile[]): void;
  /** Errors found when picking (type, size), shown under the inputs. */
  problems: string[];
  onProblems(problems: string[]): void;
  /** Files plus documents already attached, for the count. */
  otherCount: number;
  disabled?: boolean;
  limits: AttachmentLimits;
}

/**
 * Photos straight from the phone's camera and a normal picker for photos and PDFs, with previews
 * and a remove button per file. Files that break a limit are not added: the reason is shown.
 */
export function FilePicker({
  prefix,
  files,
  onChange,
  problems,
  onProblems,
  otherCount,
  disabled,
  limits,
}: FilePickerProps) {
  const add = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = Array.from(input.files ?? []);
    input.value = '';
    if (chosen.length === 0) return;
    const room = limits.maxFiles - files.length - otherCount;
    const { picked, problems: found } = pickFiles(chosen.slice(0, Math.max(0, room)), limits);
    if (chosen.length > room) {
      found.push(
        room <= 0
          ? `Vous avez déjà ${limits.maxFiles} pièces jointes : c’est le maximum pour un message.`
          : `${limits.maxFiles} pièces jointes au maximum par message : seuls les ${room} premiers fichiers ont été ajoutés.`,
      );
    }
    onProblems(found);
    if (picked.length > 0) onChange([...files, ...picked]);
  };
  const remove = (key: string) => {
    const gone = files.filter((f) => f.key === key);
    releaseFiles(gone);
    onProblems([]);
    onChange(files.filter((f) => f.key !== key));
  };
  const errorId = `${prefix}-files-error`;
  const hintId = `${prefix}-files-hint`;
  const hasError = problems.length > 0;

  return (
    <div class={`fr-upload-group file-picker${hasError ? ' fr-upload-group--error' : ''}`}>
      <div class="file-picker__camera">
        <input
          type="file"
          accept="image/*"
          capture="environment"
          id={`${prefix}-camera`}
          class="fr-sr-only picker-input"
          data-testid={`${prefix}-camera`}
          onChange={add}
          disabled={disabled}
          aria-describedby={hasError ? errorId : undefined}
        />
        <label
          for={`${prefix}-camera`}
          class="fr-btn fr-btn--secondary fr-icon-camera-line fr-btn--icon-left picker-button"
        >
          Prendre une photo de l’ordonnance
        </label>
      </div>
      {/* The browser's own file button speaks the browser's language: ours always speaks French. */}
      <input
        class="fr-sr-only picker-input"
        type="file"
        id={`${prefix}-files`}
        data-testid={`${prefix}-files`}
        multiple
        accept={acceptAttribute(limits)}
        onChange={add}
        disabled={disabled}
        aria-describedby={hasError ? `${hintId} ${errorId}` : hintId}
      />
      <label
        for={`${prefix}-files`}
        class="fr-btn fr-btn--tertiary fr-icon-attachment-line fr-btn--icon-left picker-button"
      >
        Ajouter des fichiers de votre appareil
      </label>
      <p id={hintId} class="fr-hint-text fr-mt-1w">
        Formats acceptés : {acceptedWording(limits)}. {frenchSize(limits.maxFileBytes)} au maximum par
        fichier, {limits.maxFiles} pièces jointes et {frenchSize(limits.maxMessageBytes)} au maximum par
        message.
      </p>
      {hasError && (
        <div id={errorId} class="fr-messages-group" role="alert">
          {problems.map((p) => (
            <p key={p} class="fr-message fr-message--error">
              {p}
            </p>
          ))}
        </div>
      )}
      {files.length > 0 && (
        <ul class="file-tiles" aria-label="Fichiers joints">
          {files.map((f) => (
            <FileTile key={f.key} picked={f} onRemove={() => remove(f.key)} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** Revokes the previews when the component that owns `files` goes away. */
export function useReleaseOnUnmount(files: PickedFile[]): void {
  const holder = useMemo(() => ({ files }), []);
  holder.files = files;
  useEffect(() => () => releaseFiles(holder.files), [holder]);
}

interface DocumentPickerProps {
  documents: HealthDocument[] | null;
  error: string | null;
  selected: string[];
  onChange(ids: string[]): void;
  disabled?: boolean;
}

/** Documents of "Mes documents": e-prescriptions first (with their number), then the others. */
export function DocumentPicker({ documents, error, selected, onChange, disabled }: DocumentPickerProps) {
  const toggle = (id: string, checked: boolean) =>
    onChange(checked ? [...selected, id] : selected.filter((s) => s !== id));
  const prescriptions = documents?.filter((d) => d.kind === 'eprescription') ?? [];
  const others = documents?.filter((d) => d.kind !== 'eprescription') ?? [];

  const item = (d: HealthDocument) => (
    <div class="fr-fieldset__element" key={d.id}>
      <div class="fr-checkbox-group">
        <input
          type="checkbox"
          id={`document-${d.id}`}
          name="documentIds"
          value={d.id}
          data-testid={`document-${d.id}`}
          checked={selected.includes(d.id)}
          disabled={disabled}
          onChange={(e) => toggle(d.id, (e.currentTarget as HTMLInputElement).checked)}
        />
        <label class="fr-label" for={`document-${d.id}`}>
          {d.title}
          {d.prescriptionNumber ? ` — ordonnance n° ${d.prescriptionNumber}` : ''}
          <span class="fr-hint-text">
            {d.author}, {frenchDate(d.issuedOn)}
          </span>
        </label>
      </div>
    </div>
  );

  return (
    <fieldset class="fr-fieldset document-picker" aria-labelledby="documents-legend">
      <legend class="fr-fieldset__legend" id="documents-legend">
        Joindre depuis « Mes documents »
        <span class="fr-hint-text">
          Les ordonnances numériques sont transmises avec leur numéro : la pharmacie retrouve directement les
          médicaments prescrits.
        </span>
      </legend>
      {error && (
        <div class="fr-fieldset__element">
          <p class="fr-message fr-message--error">{error}</p>
        </div>
      )}
      {documents === null && !error && (
        <div class="fr-fieldset__element">
          <p class="fr-text--sm">Chargement de vos documents…</p>
        </div>
      )}
      {documents?.length === 0 && (
        <div class="fr-fieldset__element">
          <p class="fr-text--sm">Aucun document dans votre dossier.</p>
        </div>
      )}
      {prescriptions.length > 0 && (
        <div class="fr-fieldset__element">
          <p class="fr-text--sm fr-text--bold fr-mb-1w" id="documents-prescriptions">
            Ordonnances numériques
          </p>
        </div>
      )}
      {prescriptions.map(item)}
      {others.length > 0 && (
        <div class="fr-fieldset__element">
          <p class="fr-text--sm fr-text--bold fr-mb-1w fr-mt-2w">Autres documents</p>
        </div>
      )}
      {others.map(item)}
    </fieldset>
  );
}

/** The upload progress as the bytes leave the browser, then the server's processing. */
export function UploadProgress({ fraction }: { fraction: number }) {
  const percent = Math.round(fraction * 100);
  const done = percent >= 100;
  return (
    <div class="upload-progress fr-my-2w">
      <p class="fr-text--sm fr-mb-1w" id="upload-progress-label">
        {done
          ? 'Fichiers envoyés : vérification par le service (analyse, lecture des ordonnances)…'
          : `Envoi en cours : ${percent} %`}
      </p>
      <progress
        class="upload-progress__bar"
        max={100}
        value={percent}
        aria-labelledby="upload-progress-label"
        aria-valuenow={percent}
        data-testid="upload-progress"
      >
        {percent} %
      </progress>
    </div>
  );
}
