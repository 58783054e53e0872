import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.ts';
import { debounce, useLiveEvents } from '../shared/live.ts';
import { STATUS_BADGE, STATUS_LABELS, statusText } from '../shared/status.ts';
import { attachmentSummary, patientName, waited, waitTone, when } from './format.ts';
import { useShortcuts } from './keys.ts';
import { go, href } from './router.ts';
import { FILTERS, type Filter, type Me, type Page, type TeamConversation } from './types.ts';
import { useNow } from './use-now.ts';
import './inbox.css';

/**
 * The inbox: one dense table, newest activity first, a tab per team filter. Rows unread by this
 * member are bold; who claimed what and how long the patient has been waiting are on every row.
 */
const FILTER_LABELS: Record<Filter, string> = {
  new: 'Nouveaux',
  unread: 'Non lus',
  mine: 'À moi',
  in_progress: 'En cours',
  ready: 'Prêts',
  closed: 'Clos',
  all: 'Tous',
};

const EMPTY: Record<Filter, string> = {
  new: 'Aucune nouvelle demande : tout est pris en charge.',
  unread: 'Vous avez tout lu.',
  mine: "Vous ne vous occupez d'aucune conversation ouverte.",
  in_progress: 'Aucune commande en préparation.',
  ready: 'Aucune commande prête en attente de retrait.',
  closed: 'Aucune conversation close.',
  all: 'Aucune conversation pour le moment.',
};

const FILTER_KEY = 'officine-mss.comptoir.filter';
const PAGE_SIZE = 50;

function storedFilter(): Filter {
  try {
    const value = sessionStorage.getItem(FILTER_KEY);
    return (FILTERS as readonly string[]).includes(value ?? '') ? (value as Filter) : 'all';
  } catch {
    return 'all';
  }
}

type Loaded =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; items: TeamConversation[]; nextCursor: string | null };

export function Inbox({ me, finess }: { me: Me; finess: string }) {
  const [filter, setFilterState] = useState<Filter>(storedFilter);
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const tableRef = useRef<HTMLTableSectionElement>(null);
  const now = useNow(30_000);
  const base = `/api/pharmacies/${encodeURIComponent(finess)}/conversations`;
  const generation = useRef(0);

  const load = async (which: Filter, keep: boolean) => {
    const mine = ++generation.current;
    if (!keep) setLoaded({ kind: 'loading' });
    try {
      // A refresh keeps as many rows as are shown (up to the page maximum).
      const shown = loaded.kind === 'ready' && keep ? loaded.items.length : 0;
      const limit = Math.min(100, Math.max(PAGE_SIZE, shown));
      const page = await api<Page<TeamConversation>>('GET', `${base}?filter=${which}&limit=${limit}`);
      if (mine !== generation.current) return;
      setLoaded({ kind: 'ready', items: page.items, nextCursor: page.nextCursor });
    } catch (error) {
      if (mine !== generation.current) return;
      setLoaded({
        kind: 'error',
        message: error instanceof ApiError ? error.message : 'La liste ne peut pas être chargée.',
      });
    }
  };

  const loadRef = useRef(load);
  loadRef.current = load;
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const refresh = useRef(debounce(() => void loadRef.current(filterRef.current, true), 150)).current;

  useEffect(() => {
    void load(filter, false);
    return refresh.cancel;
  }, [filter, finess]);

  useLiveEvents(() => refresh());

  const setFilter = (next: Filter) => {
    try {
      sessionStorage.setItem(FILTER_KEY, next);
    } catch {
      // Private mode.
    }
    setFilterState(next);
  };

  const more = async () => {
    if (loaded.kind !== 'ready' || !loaded.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await api<Page<TeamConversation>>(
        'GET',
        `${base}?filter=${filter}&limit=${PAGE_SIZE}&cursor=${encodeURIComponent(loaded.nextCursor)}`,
      );
      setLoaded({ kind: 'ready', items: [...loaded.items, ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      setLoaded({ kind: 'error', message: error instanceof ApiError ? error.message : 'Erreur.' });
    } finally {
      setLoadingMore(false);
    }
  };

  const rowLinks = () =>
    Array.from(tableRef.current?.querySelectorAll<HTMLAnchorElement>('a.inbox-open') ?? []);
  const move = (delta: number) => {
    const links = rowLinks();
    if (links.length === 0) return;
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next =
      at < 0 ? (delta > 0 ? 0 : links.length - 1) : Math.min(links.length - 1, Math.max(0, at + delta));
    links[next]?.focus();
    links[next]?.closest('tr')?.scrollIntoView({ block: 'nearest' });
  };
  const shortcuts: Record<string, () => void> = {
    j: () => move(1),
    k: () => move(-1),
    ArrowDown: () => move(1),
    ArrowUp: () => move(-1),
  };
  FILTERS.forEach((f, index) => {
    shortcuts[String(index + 1)] = () => setFilter(f);
  });
  useShortcuts(shortcuts);

  return (
    <div class="inbox">
      <div class="inbox-head">
        <h1 class="fr-h5 inbox-title">Boîte de réception</h1>
        <fieldset class="inbox-tabs">
          <legend class="fr-sr-only">Filtrer les conversations</legend>
          {FILTERS.map((f, index) => (
            <button
              key={f}
              type="button"
              class="inbox-tab"
              data-testid={`filter-${f}`}
              aria-pressed={filter === f}
              aria-keyshortcuts={String(index + 1)}
              onClick={() => setFilter(f)}
            >
              {FILTER_LABELS[f]}
            </button>
          ))}
        </fieldset>
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-refresh-line fr-btn--icon-left"
          onClick={() => void load(filter, true)}
        >
          Actualiser
        </button>
      </div>
      {loaded.kind === 'loading' && (
        <p class="inbox-note" role="status">
          Chargement…
        </p>
      )}
      {loaded.kind === 'error' && (
        <div class="fr-alert fr-alert--error fr-alert--sm">
          <p>{loaded.message}</p>
        </div>
      )}
      {loaded.kind === 'ready' && loaded.items.length === 0 && <p class="inbox-note">{EMPTY[filter]}</p>}
      {loaded.kind === 'ready' && loaded.items.length > 0 && (
        <div class="inbox-scroll">
          <table class="inbox-table">
            <caption class="fr-sr-only">
              Conversations — {FILTER_LABELS[filter]}, la plus récente activité en premier
            </caption>
            <thead>
              <tr>
                <th scope="col" class="inbox-col-patient">
                  Patient
                </th>
                <th scope="col">Objet</th>
                <th scope="col">Dernier envoi</th>
                <th scope="col">Statut</th>
                <th scope="col">Pris en charge par</th>
                <th scope="col" class="inbox-col-num">
                  Attente
                </th>
                <th scope="col" class="inbox-col-num">
                  Reçu
                </th>
              </tr>
            </thead>
            <tbody ref={tableRef}>
              {loaded.items.map((c) => (
                <Row key={c.id} conversation={c} me={me} now={now} />
              ))}
            </tbody>
          </table>
          {loaded.nextCursor && (
            <p class="inbox-more">
              <button
                type="button"
                class="fr-btn fr-btn--sm fr-btn--secondary"
                disabled={loadingMore}
                onClick={() => void more()}
              >
                Afficher plus
              </button>
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function Row({ conversation: c, me, now }: { conversation: TeamConversation; me: Me; now: number }) {
  const tone = waitTone(c, now);
  const mine = c.claimedBy?.rpps === me.rpps;
  return (
    <tr
      class={`inbox-row${c.unread ? ' inbox-row--unread' : ''}${c.open ? '' : ' inbox-row--closed'}`}
      data-testid={`row-${c.id}`}
      data-unread={c.unread ? 'true' : 'false'}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('a')) return;
        go(href.conversation(c.id));
      }}
    >
      <td class="inbox-col-patient">
        <a class="inbox-open" href={href.conversation(c.id)}>
          {c.unread && <span class="inbox-dot" aria-hidden="true" />}
          {patientName(c)}
          {c.unread && <span class="fr-sr-only"> (non lu)</span>}
        </a>
      </td>
      <td class="inbox-subject">
        {c.subject || <span class="inbox-muted">(sans objet)</span>}
        <span class="inbox-muted inbox-count" title={`${c.messageCount} message(s)`}>
          {' '}
          · {c.messageCount} msg
        </span>
      </td>
      <td class="inbox-attachments">{attachmentSummary(c.latestPatientAttachments ?? [])}</td>
      <td>
        <span
          class={`fr-badge fr-badge--sm fr-badge--no-icon ${STATUS_BADGE[c.status.code]}`}
          title={statusText(c.status)}
        >
          {c.open ? STATUS_LABELS[c.status.code] : `Close · ${STATUS_LABELS[c.status.code]}`}
        </span>
      </td>
      <td class={mine ? 'inbox-mine' : undefined}>
        {c.claimedBy ? mine ? 'Moi' : c.claimedBy.name : <span class="inbox-muted">Personne</span>}
      </td>
      <td
        class={`inbox-col-num inbox-wait inbox-wait--${tone}`}
        title={new Date(c.lastMessageAt).toLocaleString('fr-FR')}
      >
        {c.open ? waited(c.lastMessageAt, now) : '—'}
      </td>
      <td class="inbox-col-num">{when(c.createdAt)}</td>
    </tr>
  );
}
