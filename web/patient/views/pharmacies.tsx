import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../../shared/api.ts';
import { frenchDate } from '../../shared/format.ts';
import { Breadcrumb } from '../breadcrumb.tsx';
import { Page } from '../layout.tsx';
import { href } from '../router.ts';
import { usePageTitle } from '../title.ts';
import type { HistoryPharmacy, WritablePharmacy } from '../types.ts';

interface Lists {
  eligible: WritablePharmacy[];
  refused: HistoryPharmacy[];
}

/**
 * "Écrire à ma pharmacie": the pharmacies of the reimbursement history the patient may write to
 * (GET /api/patient/pharmacies), then the others with the server's reason
 * (GET /api/patient/pharmacy-history). The patient never types an address.
 */
export function PharmaciesView() {
  usePageTitle('Écrire à ma pharmacie');
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([
      api<{ pharmacies: WritablePharmacy[] }>('GET', '/api/patient/pharmacies'),
      api<{ pharmacies: HistoryPharmacy[] }>('GET', '/api/patient/pharmacy-history'),
    ])
      .then(([writable, history]) => {
        const open = new Set(writable.pharmacies.map((p) => p.finess));
        setLists({
          eligible: writable.pharmacies,
          refused: history.pharmacies.filter((p) => !p.verdict.eligible && !open.has(p.finess)),
        });
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);

  return (
    <Page>
      <Breadcrumb links={[{ href: href.home, label: 'Mes messages' }]} current="Écrire à ma pharmacie" />
      <h1 class="fr-h2">Écrire à ma pharmacie</h1>
      <p>
        Vous pouvez écrire à une pharmacie où une délivrance vous a été remboursée par l’Assurance Maladie au
        cours des 12 derniers mois, si elle a une messagerie sécurisée de santé.
      </p>
      {error && (
        <div class="fr-alert fr-alert--error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {!lists && !error && <p aria-busy="true">Chargement de vos pharmacies…</p>}
      {lists && (
        <>
          <section aria-labelledby="eligible-title" class="fr-mb-6w">
            <h2 id="eligible-title" class="fr-h4">
              Pharmacies auxquelles vous pouvez écrire
            </h2>
            {lists.eligible.length === 0 ? (
              <div class="fr-callout">
                <p class="fr-callout__text">
                  Aucune pharmacie ne peut recevoir vos messages pour le moment : aucune délivrance ne vous a
                  été remboursée dans une pharmacie dotée d’une messagerie sécurisée au cours des 12 derniers
                  mois.
                </p>
              </div>
            ) : (
              <ul class="pharmacy-list">
                {lists.eligible.map((p) => (
                  <PharmacyCard key={p.finess} pharmacy={p} eligible>
                    <p class="fr-text--sm fr-mb-0 eligibility-ok">
                      <span class="fr-icon-checkbox-circle-line fr-icon--sm" aria-hidden="true" /> Vous pouvez
                      écrire à cette pharmacie jusqu’au {frenchDate(p.eligibleUntil)}.
                    </p>
                  </PharmacyCard>
                ))}
              </ul>
            )}
          </section>
          {lists.refused.length > 0 && (
            <section aria-labelledby="refused-title">
              <h2 id="refused-title" class="fr-h4">
                Pharmacies auxquelles vous ne pouvez pas écrire
              </h2>
              <ul class="pharmacy-list">
                {lists.refused.map((p) => (
                  <PharmacyCard key={p.finess} pharmacy={p} eligible={false}>
                    <p class="fr-text--sm fr-mb-0 refusal" data-testid={`refusal-${p.finess}`}>
                      <span class="fr-icon-information-line fr-icon--sm" aria-hidden="true" /> {p.explanation}
                    </p>
                  </PharmacyCard>
                ))}
              </ul>
              <p class="fr-text--sm">
                Vous pouvez toujours contacter ces pharmacies par téléphone ou vous y rendre avec votre
                ordonnance.
              </p>
            </section>
          )}
        </>
      )}
    </Page>
  );
}

/** One pharmacy of the history: who it is, then what the patient may do there (`children`). */
function PharmacyCard({
  pharmacy: p,
  eligible,
  children,
}: {
  pharmacy: WritablePharmacy | HistoryPharmacy;
  eligible: boolean;
  children: ComponentChildren;
}) {
  return (
    <li
      class={eligible ? 'pharmacy-card' : 'pharmacy-card pharmacy-card--refused'}
      data-testid={`pharmacy-${p.finess}`}
      data-eligible={String(eligible)}
    >
      <div class="pharmacy-card__body">
        <h3 class="fr-h5 fr-mb-1w">{p.name}</h3>
        <p class="fr-text--sm fr-mb-1w">
          {p.address}, {p.postcode} {p.city}
          {p.phone && (
            <>
              <br />
              Tél. {p.phone}
            </>
          )}
        </p>
        {children}
      </div>
      {eligible && (
        <div class="pharmacy-card__action">
          <a
            class="fr-btn fr-icon-mail-send-line fr-btn--icon-left"
            href={href.compose(p.finess)}
            data-testid={`write-${p.finess}`}
            aria-label={`Écrire à ${p.name}`}
          >
            Écrire
          </a>
        </div>
      )}
    </li>
  );
}
