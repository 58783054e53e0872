import { Page } from '../layout.tsx';
import { href } from '../router.ts';
import { usePageTitle } from '../title.ts';

export function NotFoundView() {
  usePageTitle('Page introuvable');
  return (
    <Page>
      <h1>Page introuvable</h1>
      <p>Cette adresse ne correspond à aucune page de votre messagerie.</p>
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href.home}>
        Retour à mes messages
      </a>
    </Page>
  );
}
