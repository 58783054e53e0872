import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { frenchDate } from '../shared/format.ts';
import type { Prescription } from './types.ts';

/**
 * An e-prescription sent in the conversation: its unique number large, to type or copy into the
 * dispensing software, and its lines from the e-prescription base.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function PrescriptionCard({
  finess,
  conversationId,
  number,
  index,
}: {
  finess: string;
  conversationId: string;
  number: string;
  index: number;
}) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [found, setFound] = useState<
    { kind: 'loading' } | { kind: 'ready'; prescription: Prescription } | { kind: 'error'; message: string }
  >({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api<Prescription>(
      'GET',
      `/api/pharmacies/${encodeURIComponent(finess)}/conversations/${encodeURIComponent(conversationId)}/prescriptions/${encodeURIComponent(number)}`,
    )
      .then((prescription) => !cancelled && setFound({ kind: 'ready', prescription }))
      .catch(
        (error: unknown) =>
          !cancelled &&
          setFound({
            kind: 'error',
            message:
              error instanceof ApiError
                ? error.message
                : "Les lignes de l'ordonnance ne peuvent pas être chargées.",
          }),
      );
    return () => {
      cancelled = true;
    };
  }, [finess, conversationId, number]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => setCopied((await copyText(number)) ? 'yes' : 'no');
  const headingId = `eprescription-${index}`;

  return (
    <section class="rx" aria-labelledby={headingId}>
      <h2 class="rx-title" id={headingId}>
        <span class="fr-icon-capsule-line fr-icon--sm" aria-hidden="true" /> Ordonnance numérique
      </h2>
      <div class="rx-number-row">
        <output
          class="rx-number"
          data-testid="eprescription-number"
          aria-label="Numéro de l'ordonnance numérique"
        >
          {number}
        </output>
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-file-text-line fr-btn--icon-left"
          data-testid="copy-eprescription"
          data-copy-number={number}
          aria-keyshortcuts={index === 0 ? 'c' : undefined}
          onClick={() => void copy()}
        >
          Copier le numéro
        </button>
        <span class="rx-copied" role="status">
          {copied === 'yes' && 'Numéro copié'}
          {copied === 'no' && 'Copie impossible : sélectionnez le numéro'}
        </span>
      </div>
      {found.kind === 'loading' && <p class="rx-note">Lignes de la base e-prescription…</p>}
      {found.kind === 'error' && <p class="rx-note rx-note--error">{found.message}</p>}
      {found.kind === 'ready' && (
        <>
          <p class="rx-meta">
            Prescrite par {found.prescription.prescriber}, le {frenchDate(found.prescription.issuedOn)}
          </p>
          <table class="rx-lines">
            <caption class="fr-sr-only">Lignes de l'ordonnance {number}</caption>
            <thead>
              <tr>
                <th scope="col">Médicament ou produit</th>
                <th scope="col">Quantité</th>
                <th scope="col">Posologie</th>
              </tr>
            </thead>
            <tbody>
              {found.prescription.lines.map((line, i) => (
                <tr key={i}>
                  <td>{line.label}</td>
                  <td>{line.quantity}</td>
                  <td>{line.posology}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
