import type { FastifyPluginAsync } from 'fastify';
import { escapeHtml, PAGE_HEADERS, page } from '../../auth/html.ts';
import type { DirectoryStore } from '../../directory/store.ts';
import type { RequestAuth } from '../hooks/session.ts';

/**
 * The landing page: says what runs, leads to the two web apps (each starts its own login), and
 * once logged in says who you are with a link to your app and a logout button.
 */
const ROLE = { titulaire: 'titulaire', adjoint: 'adjoint(e)', preparateur: 'préparateur·rice' } as const;

async function whoAmI(auth: RequestAuth, directory: DirectoryStore): Promise<string> {
  const { identity, csrfToken } = auth.session;
  const who =
    identity.population === 'patient'
      ? `<p>Vous êtes connecté(e) en tant que patient(e) : <strong>${escapeHtml(
          `${identity.givenNames} ${identity.familyName}`,
        )}</strong>.</p>`
      : `<p>Vous êtes connecté(e) en tant que professionnel(le) de santé : <strong>${escapeHtml(
          `${identity.givenName} ${identity.familyName}`,
        )}</strong>.</p>
<ul>${(await directory.memberships(identity.rpps))
          .map(
            (m) =>
              `<li>${escapeHtml(m.pharmacyName)} — ${ROLE[m.role]} (FINESS ${escapeHtml(m.finess)})</li>`,
          )
          .join('')}</ul>`;
  return `${who}
<p><a href="${identity.population === 'patient' ? '/patient/' : '/pharmacie/'}">Ouvrir mon espace</a></p>
<p>Votre identité au format JSON : <a href="/api/me">/api/me</a>.</p>
<form method="post" action="/auth/logout"><input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">
<button type="submit">Se déconnecter</button></form>`;
}

const LOGIN = `<p>Se connecter :</p>
<ul>
<li><a href="/patient/">Espace patient</a> (Mon espace santé)</li>
<li><a href="/pharmacie/">Espace pharmacie</a> (Pro Santé Connect)</li>
</ul>`;

export function homeRoutes(): FastifyPluginAsync {
  return async (server) => {
    const { directory } = server.officineAuth;
    server.get('/', async (request, reply) =>
      reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-store' }).send(
        page(
          'Accueil',
          `<h1>Officine MSS</h1>
<p>Messagerie sécurisée de santé entre patients et pharmacies d'officine.</p>
${request.auth ? await whoAmI(request.auth, directory) : LOGIN}
<p class="note">Le service fonctionne : état de santé sur <a href="/api/health">/api/health</a>.</p>`,
        ),
      ),
    );
  };
}
