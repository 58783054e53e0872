import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken } from '../shared/api.ts';
import { Counter } from './counter.tsx';
import type { Me, Membership } from './types.ts';

/**
 * The counter app: who is signed in (GET /api/me), which pharmacy they work for (a switcher when
 * they belong to several), then the counter itself for that pharmacy.
 */
const PHARMACY_KEY = 'officine-mss.comptoir.pharmacy';

type Loaded = { kind: 'loading' } | { kind: 'error'; error: ApiError } | { kind: 'ready'; me: Me };

function remembered(memberships: Membership[]): Membership | undefined {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(PHARMACY_KEY);
  } catch {
    stored = null;
  }
  return memberships.find((m) => m.finess === stored) ?? memberships[0];
}

export function App() {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [finess, setFiness] = useState<string | null>(null);

  useEffect(() => {
    api<Me>('GET', '/api/me')
      .then((me) => {
        if (me.population !== 'professional')
          throw new ApiError(403, 'NOT_A_PROFESSIONAL', 'Cet espace est réservé aux équipes des pharmacies.');
        setCsrfToken(me.csrfToken);
        setFiness(remembered(me.memberships)?.finess ?? null);
        setLoaded({ kind: 'ready', me });
      })
      .catch((error: unknown) =>
        setLoaded({
          kind: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'UNKNOWN', 'Erreur inattendue.'),
        }),
      );
  }, []);

  if (loaded.kind === 'loading') {
    return (
      <main class="counter-message" id="main">
        <p role="status">Chargement du comptoir…</p>
      </main>
    );
  }
  if (loaded.kind === 'error') {
    return (
      <main class="counter-message" id="main">
        <h1 class="fr-h4">Comptoir indisponible</h1>
        <div class="fr-alert fr-alert--error fr-alert--sm">
          <p>{loaded.error.message}</p>
        </div>
        <p class="fr-mt-2w">
          <a class="fr-btn" href="/pharmacie/">
            Se reconnecter
          </a>
        </p>
      </main>
    );
  }
  const { me } = loaded;
  const membership = me.memberships.find((m) => m.finess === finess);
  if (!membership) {
    return (
      <main class="counter-message" id="main">
        <h1 class="fr-h4">Aucune pharmacie</h1>
        <p>
          Votre compte n'est rattaché à aucune pharmacie : demandez au titulaire de vous ajouter à l'équipe.
        </p>
      </main>
    );
  }
  return (
    <Counter
      key={membership.finess}
      me={me}
      membership={membership}
      onSwitch={(next) => {
        try {
          localStorage.setItem(PHARMACY_KEY, next);
        } catch {
          // Private mode: the choice lasts for this page only.
        }
        location.hash = '#/';
        setFiness(next);
      }}
    />
  );
}
