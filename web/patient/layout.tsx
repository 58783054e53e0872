import type { ComponentChildren } from 'preact';
import type { LiveStatus } from './live.ts';
import { href } from './router.ts';
import type { Me } from './types.ts';

export const SERVICE_NAME = 'Mon espace santé — Messagerie';

/** The skip link: hash routing owns the URL fragment, so it moves the focus itself. */
export function SkipLinks() {
  const skip = (event: MouseEvent) => {
    event.preventDefault();
    const main = document.getElementById('contenu');
    main?.focus();
    main?.scrollIntoView();
  };
  return (
    <div class="fr-skiplinks">
      <nav class="fr-container" aria-label="Accès rapide">
        <ul class="fr-skiplinks__list">
          <li>
            {/* biome-ignore lint/a11y/useValidAnchor: the DSFR skip link; the hash belongs to the router. */}
            <a class="fr-link" href="#contenu" onClick={skip}>
              Aller au contenu
            </a>
          </li>
        </ul>
      </nav>
    </div>
  );
}

function LogoutForm({ me, compact }: { me: Me; compact?: boolean }) {
  return (
    <form method="post" action="/auth/logout" class="logout-form">
      <input type="hidden" name="csrf" value={me.csrfToken} />
      {compact ? (
        <button type="submit" class="fr-btn fr-icon-logout-box-r-line" title="Se déconnecter">
          Se déconnecter
        </button>
      ) : (
        <button type="submit" class="fr-btn fr-btn--tertiary-no-outline fr-icon-logout-box-r-line">
          Se déconnecter
        </button>
      )}
    </form>
  );
}

export function Header({ me }: { me: Me | null }) {
  return (
    <header class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <p class="fr-logo">
                    République
                    <br />
                    Française
                  </p>
                </div>
                {me && (
                  <div class="fr-header__navbar">
                    <LogoutForm me={me} compact />
                  </div>
                )}
              </div>
              <div class="fr-header__service">
                <a href={href.home} title={`Accueil — ${SERVICE_NAME}`}>
                  <p class="fr-header__service-title">{SERVICE_NAME}</p>
                </a>
                <p class="fr-header__service-tagline">Échanger avec ma pharmacie en toute sécurité</p>
              </div>
            </div>
            {me && (
              <div class="fr-header__tools">
                <div class="fr-header__tools-links">
                  <ul class="fr-btns-group">
                    <li>
                      <span class="fr-btn fr-btn--tertiary-no-outline fr-icon-account-circle-line header-user">
                        {me.givenNames} {me.familyName}
                      </span>
                    </li>
                    <li>
                      <LogoutForm me={me} />
                    </li>
                  </ul>
                </div>
              </div>
            )}
          </div>
        </div>
      </div>
    </header>
  );
}

export function Footer() {
  return (
    <footer class="fr-footer" id="pied-de-page">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href={href.home} title={`Accueil — ${SERVICE_NAME}`}>
              <p class="fr-logo">
                République
                <br />
                Française
              </p>
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">
              Messagerie sécurisée de santé : vos messages et vos ordonnances sont transmis à votre pharmacie
              par la messagerie sécurisée de santé (MSSanté). Démonstration : les données affichées sont
              fictives.
            </p>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            <li class="fr-footer__bottom-item">
              <span class="fr-footer__bottom-link">Accessibilité : partiellement conforme</span>
            </li>
          </ul>
        </div>
      </div>
    </footer>
  );
}

/** A discreet line when replies no longer arrive by themselves. */
export function ConnectionState({ live }: { live: LiveStatus }) {
  let text: string | null = null;
  if (live.state === 'browser-offline')
    text = 'Vous êtes hors connexion : vos messages s’afficheront au retour du réseau.';
  else if (live.state === 'offline')
    text = 'Connexion au service interrompue : nouvelle tentative en cours. Rechargez la page si cela dure.';
  else if (live.state === 'ended') {
    if (live.reason === 'SESSION_ENDED') {
      return (
        <div class="connection-state" role="status" data-testid="connection-state" data-state={live.state}>
          <p class="fr-text--sm fr-mb-0">
            Votre session est terminée.{' '}
            <a class="fr-link fr-link--sm" href="/auth/patient/login">
              Reconnectez-vous
            </a>{' '}
            pour voir vos nouveaux messages.
          </p>
        </div>
      );
    }
    if (live.reason === 'REPLACED')
      text =
        'Votre messagerie est ouverte dans un autre onglet ou sur un autre appareil : rechargez cette page pour y suivre vos messages.';
    else if (live.reason !== 'SHUTDOWN')
      text = 'Les nouveaux messages ne s’affichent plus automatiquement : rechargez la page.';
  }
  return (
    <div class="connection-state" role="status" data-testid="connection-state" data-state={live.state}>
      {text && (
        <p class="fr-text--sm fr-mb-0">
          <span class="fr-icon-wifi-line fr-icon--sm" aria-hidden="true" /> {text}
        </p>
      )}
    </div>
  );
}

export function Page({ children }: { children: ComponentChildren }) {
  return <div class="fr-container fr-pt-3w fr-pb-6w">{children}</div>;
}
