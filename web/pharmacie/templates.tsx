import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { BUILTIN_TEMPLATES } from './builtin-templates.ts';
import { when } from './format.ts';
import type { ReplyTemplate } from './types.ts';
import './templates.css';

/** The pharmacy's reply templates: shared by the whole team, edited here. */
export function TemplatesView({ finess }: { finess: string }) {
  const [templates, setTemplates] = useState<ReplyTemplate[] | null>(null);
  const [editing, setEditing] = useState<{ id: string | null; title: string; body: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/pharmacies/${encodeURIComponent(finess)}/templates`;

  const load = async () => {
    try {
      setTemplates((await api<{ templates: ReplyTemplate[] }>('GET', base)).templates);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Les modèles ne peuvent pas être chargés.');
    }
  };
  useEffect(() => {
    void load();
  }, [finess]);

  const run = async (task: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await task();
      setEditing(null);
      await load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Enregistrement impossible.');
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    editing &&
    run(() =>
      editing.id
        ? api('PUT', `${base}/${encodeURIComponent(editing.id)}`, {
            title: editing.title,
            body: editing.body,
          })
        : api('POST', base, { title: editing.title, body: editing.body }),
    );

  const missing = BUILTIN_TEMPLATES.filter((b) => !(templates ?? []).some((t) => t.title.trim() === b.title));

  return (
    <div class="templates">
      <div class="inbox-head">
        <h1 class="fr-h5 inbox-title">Modèles de réponse</h1>
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-icon-add-line fr-btn--icon-left"
          onClick={() => setEditing({ id: null, title: '', body: '' })}
        >
          Nouveau modèle
        </button>
      </div>
      <p class="templates-intro">
        Partagés par toute l'équipe. Dans une réponse, « … » marque ce qu'il reste à compléter (une date par
        exemple).
      </p>
      {error && (
        <div class="fr-alert fr-alert--error fr-alert--sm">
          <p>{error}</p>
        </div>
      )}
      {editing && (
        <form
          class="templates-form"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <div class="fr-input-group">
            <label class="fr-label" for="template-title">
              Titre
            </label>
            <input
              id="template-title"
              class="fr-input"
              required
              maxLength={80}
              value={editing.title}
              onInput={(event) => setEditing({ ...editing, title: (event.target as HTMLInputElement).value })}
            />
          </div>
          <div class="fr-input-group">
            <label class="fr-label" for="template-body">
              Texte envoyé au patient
            </label>
            <textarea
              id="template-body"
              class="fr-input"
              rows={5}
              required
              maxLength={10_000}
              value={editing.body}
              onInput={(event) =>
                setEditing({ ...editing, body: (event.target as HTMLTextAreaElement).value })
              }
            />
          </div>
          <button type="submit" class="fr-btn fr-btn--sm" disabled={busy}>
            Enregistrer
          </button>{' '}
          <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => setEditing(null)}>
            Annuler
          </button>
        </form>
      )}
      {templates === null && !error && <p role="status">Chargement…</p>}
      {templates && (
        <table class="inbox-table templates-table">
          <caption class="fr-sr-only">Modèles de la pharmacie</caption>
          <thead>
            <tr>
              <th scope="col">Titre</th>
              <th scope="col">Texte</th>
              <th scope="col">Modifié</th>
              <th scope="col">
                <span class="fr-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.length === 0 && (
              <tr>
                <td colSpan={4} class="inbox-muted">
                  Aucun modèle propre à la pharmacie : les réponses usuelles sont proposées.
                </td>
              </tr>
            )}
            {templates.map((t) => (
              <tr key={t.id}>
                <td>
                  <strong>{t.title}</strong>
                </td>
                <td class="templates-body">{t.body}</td>
                <td>{when(t.updatedAt)}</td>
                <td class="templates-actions">
                  <button
                    type="button"
                    class="fr-btn fr-btn--sm fr-btn--tertiary"
                    onClick={() => setEditing({ id: t.id, title: t.title, body: t.body })}
                  >
                    Modifier<span class="fr-sr-only"> {t.title}</span>
                  </button>
                  <button
                    type="button"
                    class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline"
                    disabled={busy}
                    onClick={() => {
                      if (confirm(`Supprimer le modèle « ${t.title} » ?`))
                        void run(() => api('DELETE', `${base}/${encodeURIComponent(t.id)}`));
                    }}
                  >
                    Supprimer<span class="fr-sr-only"> {t.title}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {templates && missing.length > 0 && (
        <div class="templates-builtin">
          <h2 class="fr-h6">Réponses usuelles</h2>
          <ul>
            {missing.map((b) => (
              <li key={b.title}>
                <strong>{b.title}</strong>{' '}
                <button
                  type="button"
                  class="fr-btn fr-btn--sm fr-btn--tertiary"
                  onClick={() => setEditing({ id: null, title: b.title, body: b.body })}
                >
                  Personnaliser<span class="fr-sr-only"> {b.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
