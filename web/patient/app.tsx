import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken } from '../shared/api.ts';
import { type LiveEvent, useLiveEvents } from '../shared/live.ts';
import { statusText } from '../shared/status.ts';
import { Announcer, announce } from './announcer.tsx';
import { ConnectionState, Footer, Header, SkipLinks } from './layout.tsx';
import { useLiveStream } from './live.ts';
import { href, useRoute } from './router.ts';
import type { Conversation, ConversationPage, Me } from './types.ts';
import { ComposeView } from './views/compose.tsx';
import { ConversationView } from './views/conversation.tsx';
import { HomeView } from './views/home.tsx';
import { NotFoundView } from './views/not-found.tsx';
import { PharmaciesView } from './views/pharmacies.tsx';

/** A reply or a change the patient should notice, shown until dismissed or opened. */
export interface Notice {
  conversationId: string;
  text: string;
}

export interface ConversationsState {
  items: Conversation[] | null;
  nextCursor: string | null;
  error: string | null;
}

/** The patient's conversations, refreshed on every journal event and while the stream is down. */
function useConversations(enabled: boolean, streamLive: boolean) {
  const [state, setState] = useState<ConversationsState>({ items: null, nextCursor: null, error: null });
  const inFlight = useRef<Promise<Conversation[] | null> | null>(null);
  const queued = useRef<Promise<Conversation[] | null> | null>(null);

  const run = useCallback((): Promise<Conversation[] | null> => {
    const request = api<ConversationPage>('GET', '/api/patient/conversations?limit=50')
      .then((page) => {
        setState({ items: page.items, nextCursor: page.nextCursor, error: null });
        return page.items;
      })
      .catch((error: unknown) => {
        setState((s) => ({ ...s, error: error instanceof ApiError ? error.message : String(error) }));
        return null;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = request;
    return request;
  }, []);

  // Asked while a request runs: what changed since it started may be missing from its answer, so
  // once more after it (one more for any number of asks meanwhile).
  const refresh = useCallback((): Promise<Conversation[] | null> => {
    const running = inFlight.current;
    if (!running) return run();
    queued.current ??= running.then(() => {
      queued.current = null;
      return run();
    });
    return queued.current;
  }, [run]);

  useEffect(() => {
    if (enabled) void refresh();
  }, [enabled, refresh]);

  // Without the live stream, look for replies every 30 seconds.
  useEffect(() => {
    if (!enabled || streamLive) return;
    const timer = setInterval(() => void refresh(), 30_000);
    return () => clearInterval(timer);
  }, [enabled, streamLive, refresh]);

  return { state, refresh };
}

function announcementFor(event: LiveEvent, conversation: Conversation | undefined): string | null {
  if (!conversation) return null;
  const name = conversation.pharmacy.name;
  switch (event.kind) {
    case 'message.team':
      return `Nouvelle réponse de ${name} : « ${conversation.subject} ».`;
    case 'status':
      return `${name} : ${statusText(conversation.status)} (« ${conversation.subject} »).`;
    case 'close':
      return `${name} a clôturé la conversation « ${conversation.subject} ».`;
    default:
      return null;
  }
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const route = useRoute();
  const live = useLiveStream(me !== null);
  const conversations = useConversations(me !== null, live.state === 'live');
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    api<Me>('GET', '/api/me')
      .then((who) => {
        if (who.population !== 'patient') {
          setFatal('Cet espace est réservé aux patients.');
          return;
        }
        setCsrfToken(who.csrfToken);
        setMe(who);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) {
          location.assign('/auth/patient/login');
          return;
        }
        setFatal(error instanceof ApiError ? error.message : 'Le service est indisponible.');
      });
  }, []);

  useLiveEvents((event) => {
    void conversations.refresh().then((items) => {
      if (!('conversationId' in event) || !items) return;
      const conversation = items.find((c) => c.id === event.conversationId);
      const text = announcementFor(event, conversation);
      if (!text || !conversation) return;
      announce(text);
      const viewing = route.view === 'conversation' && route.id === conversation.id;
      if (!viewing) setNotice({ conversationId: conversation.id, text });
    });
  });

  // A new view: move the focus to its title, so that keyboard and screen reader users start there.
  const firstView = useRef(true);
  const routeKey = JSON.stringify(route);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const heading = document.querySelector<HTMLElement>('#contenu h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else document.getElementById('contenu')?.focus();
  }, [routeKey]);

  // Opening the conversation a notice points at dismisses it.
  useEffect(() => {
    if (notice && route.view === 'conversation' && route.id === notice.conversationId) setNotice(null);
  }, [route, notice]);

  let content = null;
  if (fatal) {
    content = (
      <div class="fr-container fr-py-4w">
        <div class="fr-alert fr-alert--error" role="alert">
          <h1 class="fr-alert__title">Service indisponible</h1>
          <p>{fatal}</p>
        </div>
      </div>
    );
  } else if (!me) {
    content = (
      <div class="fr-container fr-py-4w" aria-busy="true">
        <p>Chargement de votre espace…</p>
      </div>
    );
  } else {
    switch (route.view) {
      case 'home':
        content = <HomeView me={me} conversations={conversations.state} />;
        break;
      case 'pharmacies':
        content = <PharmaciesView />;
        break;
      case 'compose':
        content = <ComposeView finess={route.finess} onSent={() => void conversations.refresh()} />;
        break;
      case 'conversation':
        content = (
          <ConversationView
            key={route.id}
            id={route.id}
            onChanged={() => void conversations.refresh()}
            streamLive={live.state === 'live'}
          />
        );
        break;
      default:
        content = <NotFoundView />;
    }
  }

  return (
    <>
      <SkipLinks />
      <Header me={me} />
      <main id="contenu" tabIndex={-1} class="app-main">
        {me && <ConnectionState live={live} />}
        {notice && (
          <div class="fr-container fr-mt-2w">
            <div class="fr-notice fr-notice--info live-notice" data-testid="live-notice">
              <div class="fr-notice__body">
                <p>
                  <span class="fr-notice__title">{notice.text}</span>{' '}
                  <a class="fr-link" href={href.conversation(notice.conversationId)}>
                    Voir la conversation
                  </a>
                </p>
                <button
                  type="button"
                  class="fr-btn--close fr-btn"
                  title="Masquer le message"
                  onClick={() => setNotice(null)}
                >
                  Masquer le message
                </button>
              </div>
            </div>
          </div>
        )}
        {content}
      </main>
      <Footer />
      <Announcer />
    </>
  );
}
