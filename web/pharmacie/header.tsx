import type { StreamState } from '../shared/events.ts';
import type { DesktopState } from './desktop.ts';
import { href, type Route } from './router.ts';
import type { Me, Membership } from './types.ts';
import './header.css';

const STREAM_TEXT: Record<StreamState, string> = {
  live: 'En direct',
  connecting: 'Connexion…',
  offline: 'Hors ligne, reconnexion…',
  ended: 'Déconnecté',
};

const ROLE_TEXT: Record<string, string> = {
  titulaire: 'titulaire',
  adjoint: 'adjoint(e)',
  preparateur: 'préparateur·rice',
};

export interface HeaderProps {
  me: Me;
  membership: Membership;
  route: Route;
  stream: { state: StreamState; reason?: string };
  unread: { count: number; more: boolean } | null;
  audioArmed: boolean;
  onArmAudio(): void;
  desktop: DesktopState;
  onEnableDesktop(): void;
  onDisableDesktop(): void;
  onHelp(): void;
  onSwitch(finess: string): void;
  onLogout(): void;
}

export function Header(props: HeaderProps) {
  const { me, membership, route, stream, unread } = props;
  return (
    <header class="counter-header">
      <a class="counter-skip" href="#main">
        Aller au contenu
      </a>
      <div class="counter-brand">
        <span class="counter-brand__app">Comptoir</span>
        {me.memberships.length > 1 ? (
          <label class="counter-switch">
            <span class="fr-sr-only">Pharmacie</span>
            <select
              class="counter-select"
              data-testid="pharmacy-name"
              value={membership.finess}
              onChange={(event) => props.onSwitch((event.target as HTMLSelectElement).value)}
            >
              {me.memberships.map((m) => (
                <option key={m.finess} value={m.finess}>
                  {m.pharmacyName}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="counter-brand__name" data-testid="pharmacy-name">
            {membership.pharmacyName}
          </span>
        )}
      </div>
      <nav class="counter-nav" aria-label="Navigation du comptoir">
        <a href={href.inbox} aria-current={route.view === 'inbox' ? 'page' : undefined}>
          Boîte
          {unread && unread.count > 0 && (
            <span class="counter-count">
              {unread.count}
              {unread.more ? '+' : ''}
              <span class="fr-sr-only"> non lues</span>
            </span>
          )}
        </a>
        <a href={href.templates} aria-current={route.view === 'templates' ? 'page' : undefined}>
          Modèles
        </a>
      </nav>
      <div class="counter-tools">
        <span
          class={`counter-stream counter-stream--${stream.state}`}
          data-testid="stream-state"
          data-state={stream.state}
          role="status"
          title={stream.reason ?? undefined}
        >
          <span class="counter-stream__dot" aria-hidden="true" />
          {STREAM_TEXT[stream.state]}
        </span>
        {!props.audioArmed && (
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-volume-up-line fr-btn--icon-left"
            onClick={props.onArmAudio}
            title="Le navigateur n'autorise le son qu'après un clic ou une touche sur la page"
          >
            Activer le son
          </button>
        )}
        {(props.desktop === 'ask' || props.desktop === 'off') && (
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-notification-3-line fr-btn--icon-left"
            data-testid="enable-notifications"
            onClick={props.onEnableDesktop}
          >
            Activer les notifications
          </button>
        )}
        {props.desktop === 'on' && (
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline"
            onClick={props.onDisableDesktop}
            title="Les notifications du bureau sont activées sur ce poste"
          >
            Couper les notifications
          </button>
        )}
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-icon-question-line"
          onClick={props.onHelp}
          aria-keyshortcuts="?"
          title="Raccourcis clavier (?)"
        >
          Raccourcis clavier
        </button>
        <span class="counter-user">
          {me.givenName} {me.familyName}
          <span class="counter-user__role">{ROLE_TEXT[membership.role] ?? membership.role}</span>
        </span>
        <button
          type="button"
          class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-logout-box-r-line"
          onClick={props.onLogout}
          title="Se déconnecter"
        >
          Se déconnecter
        </button>
      </div>
    </header>
  );
}
