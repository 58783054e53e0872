import type { ConversationsState } from '../app.tsx';
import { frenchWhen, plural } from '../format.ts';
import { Page } from '../layout.tsx';
import { href } from '../router.ts';
import { StatusBadge } from '../status.tsx';
import { usePageTitle } from '../title.ts';
import type { Conversation, Me } from '../types.ts';

function ConversationItem({ conversation }: { conversation: Conversation }) {
  const c = conversation;
  return (
    <li
      class={`conversation-item${c.unread ? ' conversation-item--unread' : ''}`}
      data-testid={`conversation-${c.id}`}
      data-unread={String(c.unread)}
    >
      <div class="conversation-item__head">
        <h3 class="fr-h6 fr-mb-0 conversation-item__title">
          <a href={href.conversation(c.id)} class="conversation-item__link">
            {c.subject}
            {c.unread && <span class="fr-sr-only"> (nouvelle réponse non lue)</span>}
          </a>
        </h3>
        {c.unread && (
          <p class="fr-badge fr-badge--sm fr-badge--new unread-badge" aria-hidden="true">
            Non lu
          </p>
        )}
      </div>
      <p class="fr-text--sm fr-mb-1w conversation-item__meta">
        <span class="fr-icon-first-aid-kit-line fr-icon--sm" aria-hidden="true" /> {c.pharmacy.name} ·{' '}
        {plural(c.messageCount, 'message', 'messages')} · dernier message {frenchWhen(c.lastMessageAt)}
      </p>
      <div class="conversation-item__badges">
        <StatusBadge status={c.status} small />
        {!c.open && <p class="fr-badge fr-badge--sm fr-badge--no-icon">Clôturée</p>}
      </div>
    </li>
  );
}

export function HomeView({ me, conversations }: { me: Me; conversations: ConversationsState }) {
  const unread = conversations.items?.filter((c) => c.unread).length ?? 0;
  usePageTitle(unread > 0 ? `Mes messages (${plural(unread, 'non lu', 'non lus')})` : 'Mes messages');
  return (
    <Page>
      <h1 class="fr-h2">Bonjour {me.givenNames}</h1>
      <div class="fr-callout fr-icon-lock-line address-callout">
        <h2 class="fr-callout__title fr-h6">Votre adresse de messagerie sécurisée de santé</h2>
        <p class="fr-callout__text fr-text--md">
          <span class="secure-address" data-testid="secure-address">
            {me.address}
          </span>
        </p>
        <p class="fr-text--sm fr-mb-0">
          Vos pharmacies vous répondent à cette adresse. Elle est formée de votre matricule INS (numéro de
          sécurité sociale) : ne la communiquez qu’à des professionnels de santé.
        </p>
      </div>

      <div class="home-actions fr-my-4w">
        <a class="fr-btn fr-btn--lg fr-icon-mail-send-line fr-btn--icon-left" href={href.pharmacies}>
          Écrire à ma pharmacie
        </a>
      </div>

      <section aria-labelledby="conversations-title">
        <h2 id="conversations-title" class="fr-h4">
          Mes conversations
        </h2>
        {conversations.error && (
          <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert">
            <p>{conversations.error}</p>
          </div>
        )}
        {conversations.items === null && !conversations.error && <p aria-busy="true">Chargement…</p>}
        {conversations.items?.length === 0 && (
          <p>
            Vous n’avez encore écrit à aucune pharmacie. Envoyez-lui votre ordonnance avant de passer : elle
            la prépare et vous prévient quand elle est prête.
          </p>
        )}
        {conversations.items && conversations.items.length > 0 && (
          <>
            {unread > 0 && (
              <p class="fr-text--sm">
                {plural(unread, 'conversation a', 'conversations ont')} une réponse non lue.
              </p>
            )}
            <ul class="conversation-list" aria-labelledby="conversations-title">
              {conversations.items.map((c) => (
                <ConversationItem key={c.id} conversation={c} />
              ))}
            </ul>
          </>
        )}
      </section>
    </Page>
  );
}
