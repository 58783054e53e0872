import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../shared/api.ts';
import { useCounterLive } from './alerts.ts';
import { ConversationView } from './conversation.tsx';
import { useDesktopNotifications } from './desktop.ts';
import { Header } from './header.tsx';
import { Inbox } from './inbox.tsx';
import { SHORTCUTS, useShortcuts } from './keys.ts';
import { Popup } from './popup.tsx';
import { go, href, useRoute } from './router.ts';
import { armAudio, useAudioArmed } from './sound.ts';
import { TemplatesView } from './templates.tsx';
import type { Me, Membership } from './types.ts';
import './counter.css';

/** One pharmacy's counter: header, the pop-up, and the current view. */
export function Counter({
  me,
  membership,
  onSwitch,
}: {
  me: Me;
  membership: Membership;
  onSwitch(finess: string): void;
}) {
  const route = useRoute();
  const viewing = route.view === 'conversation' ? route.id : null;
  const live = useCounterLive(membership.finess, membership.pharmacyName, viewing);
  const audioArmed = useAudioArmed();
  const desktop = useDesktopNotifications();
  const [help, setHelp] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const announced = useRef(new Set<string>());

  // The tab title: « (3) Comptoir — Pharmacie du Marché ».
  useEffect(() => {
    const count = live.unread?.count ?? 0;
    const prefix = count > 0 ? `(${count}${live.unread?.more ? '+' : ''}) ` : '';
    document.title = `${prefix}Comptoir — ${membership.pharmacyName}`;
  }, [live.unread, membership.pharmacyName]);

  // Screen readers hear each new alert once.
  useEffect(() => {
    const fresh = live.alerts.filter((a) => !announced.current.has(`${a.conversationId}:${a.seq}`));
    for (const a of fresh) announced.current.add(`${a.conversationId}:${a.seq}`);
    const first = fresh[0];
    if (first) setAnnouncement(`Nouveau message de ${first.patient} : ${first.summary}`);
  }, [live.alerts]);

  useShortcuts({
    '?': () => setHelp((shown) => !shown),
    n: () => {
      const oldest = live.alerts.at(-1);
      if (oldest) go(href.conversation(oldest.conversationId));
    },
  });

  const logout = async () => {
    try {
      await api('POST', '/auth/logout');
    } finally {
      location.assign('/');
    }
  };

  return (
    <div class="counter">
      <Header
        me={me}
        membership={membership}
        route={route}
        stream={live.stream}
        unread={live.unread}
        audioArmed={audioArmed}
        onArmAudio={() => void armAudio()}
        desktop={desktop.state}
        onEnableDesktop={() => void desktop.enable()}
        onDisableDesktop={desktop.disable}
        onHelp={() => setHelp((shown) => !shown)}
        onSwitch={onSwitch}
        onLogout={() => void logout()}
      />
      <p class="fr-sr-only" aria-live="polite">
        {announcement}
      </p>
      {live.stream.state === 'ended' && (
        <div class="fr-alert fr-alert--warning fr-alert--sm counter-banner">
          <p>
            {live.stream.reason === 'REPLACED'
              ? 'Ce comptoir a été ouvert sur un autre poste ou onglet : les alertes arrivent là-bas. '
              : 'Votre session a pris fin : les nouveaux messages ne s’affichent plus. '}
            <a href="/pharmacie/">Recharger le comptoir</a>
          </p>
        </div>
      )}
      <Popup alerts={live.alerts} onHide={live.hide} />
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      <main
        id="main"
        class={live.alerts.some((a) => !a.hidden) ? 'counter-main counter-main--alerts' : 'counter-main'}
        tabIndex={-1}
      >
        {route.view === 'inbox' && <Inbox me={me} finess={membership.finess} />}
        {route.view === 'conversation' && (
          <ConversationView
            key={route.id}
            id={route.id}
            me={me}
            finess={membership.finess}
            onChanged={live.refreshUnread}
          />
        )}
        {route.view === 'templates' && <TemplatesView finess={membership.finess} />}
        {route.view === 'not-found' && (
          <div class="counter-message">
            <h1 class="fr-h4">Page introuvable</h1>
            <p>
              <a href={href.inbox}>Revenir à la boîte de réception</a>
            </p>
          </div>
        )}
      </main>
    </div>
  );
}

function ShortcutHelp({ onClose }: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  // The latest onClose, so that a re-render (every live update) does not move the focus again.
  const latestClose = useRef(onClose);
  latestClose.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        latestClose.current();
      }
    };
    addEventListener('keydown', onKey, true);
    return () => {
      removeEventListener('keydown', onKey, true);
      previous?.focus();
    };
  }, []);
  return (
    <div class="counter-help" role="dialog" aria-modal="false" aria-labelledby="help-title">
      <div class="counter-help__head">
        <h2 id="help-title" class="fr-h6">
          Raccourcis clavier
        </h2>
        <button
          ref={close}
          type="button"
          class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-close-line"
          title="Fermer"
          onClick={onClose}
        >
          Fermer
        </button>
      </div>
      <dl class="counter-help__list">
        {SHORTCUTS.map((s) => (
          <div key={s.what}>
            <dt>
              {s.keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
