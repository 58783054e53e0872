import type { Population } from '../../config.ts';
import { escapeHtml, page } from '../html.ts';
import type { AccountChoice } from './accounts.ts';

/**
 * The bundled provider's own French login page, in place of oidc-provider's development views:
 * a list of demo accounts to pick, a field to type any matricule INS / RPPS, and a cancel button.
 * No password: this provider exists for demonstrations only.
 */
const WORDING: Record<
  Population,
  { title: string; stands: string; legend: string; field: string; hint: string }
> = {
  patient: {
    title: 'Connexion patient (démonstration)',
    stands: 'Ce fournisseur d’identité de démonstration tient la place de Mon espace santé.',
    legend: 'Patients de démonstration',
    field: 'Ou saisissez un matricule INS',
    hint: '15 caractères (13 + clé) ; les espaces sont permis.',
  },
  professional: {
    title: 'Connexion professionnel de santé (démonstration)',
    stands:
      'Ce fournisseur d’identité de démonstration tient la place de Pro Santé Connect (carte CPS ou e-CPS).',
    legend: 'Équipe officinale de démonstration',
    field: 'Ou saisissez un numéro RPPS',
    hint: '11 chiffres, ou l’identifiant national 8 + RPPS.',
  },
};

export function loginPage(options: {
  uid: string;
  population: Population;
  choices: readonly AccountChoice[];
  error?: string;
  typed?: string;
}): string {
  const w = WORDING[options.population];
  const uid = encodeURIComponent(options.uid);
  const error = options.error
    ? `<p class="alert" role="alert" id="login-error">${escapeHtml(options.error)}</p>`
    : '';
  const choices = options.choices
    .map(
      (c, i) =>
        `<div class="choice"><input type="radio" name="account" id="account-${i}" value="${escapeHtml(c.identifier)}">` +
        ` <label for="account-${i}">${escapeHtml(c.label)}</label></div>`,
    )
    .join('\n');
  const list = options.choices.length
    ? `<fieldset><legend>${escapeHtml(w.legend)}</legend>\n${choices}\n</fieldset>`
    : '<p>Aucun compte de démonstration n’est chargé (commande <code>officine-mss demo</code>).</p>';
  const invalid = options.error
    ? ' aria-invalid="true" aria-describedby="login-error identifier-hint"'
    : ' aria-describedby="identifier-hint"';
  return page(
    w.title,
    `<h1>${escapeHtml(w.title)}</h1>
<p>${escapeHtml(w.stands)} Aucun mot de passe n’est demandé : choisissez un compte.</p>
${error}
<form method="post" action="/idp/interaction/${uid}/login">
${list}
<label for="identifier">${escapeHtml(w.field)}</label>
<span class="note" id="identifier-hint">${escapeHtml(w.hint)}</span>
<input type="text" id="identifier" name="identifier" autocomplete="off" spellcheck="false" value="${escapeHtml(options.typed ?? '')}"${invalid}>
<button type="submit">Se connecter</button>
</form>
<form method="post" action="/idp/interaction/${uid}/abort">
<p><button type="submit" class="secondary">Annuler et revenir à Officine MSS</button></p>
</form>`,
  );
}

export function idpMessagePage(title: string, message: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="/">Retour à l’accueil</a></p>`,
  );
}
