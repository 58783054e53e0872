import { frenchSize } from '../shared/format.ts';
import { FLAG_LABELS, when } from './format.ts';
import { PdfViewer } from './pdf-viewer.tsx';
import { PhotoViewer } from './photo-viewer.tsx';
import { PrescriptionCard } from './prescription.tsx';
import type { Message } from './types.ts';
import './documents.css';

/**
 * The documents of a conversation, newest message first: each e-prescription (number and lines),
 * then every file with its viewer.
 */
export function Documents({
  finess,
  conversationId,
  messages,
  numbers,
}: {
  finess: string;
  conversationId: string;
  messages: Message[];
  numbers: string[];
}) {
  const files = [...messages]
    .reverse()
    .flatMap((m) => m.attachments.map((a) => ({ attachment: a, message: m })));
  return (
    <section class="conv-docs" aria-label="Ordonnances et pièces jointes">
      {numbers.map((number, index) => (
        <PrescriptionCard
          key={number}
          finess={finess}
          conversationId={conversationId}
          number={number}
          index={index}
        />
      ))}
      {files.length === 0 && numbers.length === 0 && <p class="inbox-note">Aucune pièce jointe.</p>}
      {files.map(({ attachment: a, message }) => {
        const url = `/api/pharmacies/${encodeURIComponent(finess)}/attachments/${encodeURIComponent(a.id)}`;
        return (
          <article class="doc" id={`doc-${a.id}`} key={a.id} aria-label={a.fileName}>
            <div class="doc-head">
              <span
                class={
                  a.kind === 'pdf' ? 'fr-icon-file-pdf-line fr-icon--sm' : 'fr-icon-image-line fr-icon--sm'
                }
                aria-hidden="true"
              />
              <span class="doc-name">{a.fileName}</span>
              <span class="doc-meta">
                {a.kind === 'pdf' ? `PDF${a.pages ? ` · ${a.pages} p.` : ''}` : 'Photo'} ·{' '}
                {frenchSize(a.size)} · {message.author.name}, {when(message.createdAt)}
              </span>
              <a class="fr-link fr-link--sm doc-download" href={url} download={a.fileName}>
                Télécharger<span class="fr-sr-only"> {a.fileName}</span>
              </a>
            </div>
            {a.flags.length > 0 && (
              <div class="fr-alert fr-alert--warning fr-alert--sm doc-flags">
                <p>Ce PDF {a.flags.map((f) => FLAG_LABELS[f] ?? f).join(', ')}.</p>
              </div>
            )}
            {a.kind === 'image' ? (
              <PhotoViewer src={url} label={a.fileName} />
            ) : (
              <PdfViewer src={url} label={a.fileName} />
            )}
          </article>
        );
      })}
    </section>
  );
}
