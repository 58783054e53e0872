/**
 * The usual answers, offered when the pharmacy has not written its own under the same title
 * (its templates are edited under « Modèles de réponse »). `…` marks what to fill in: it is
 * selected in the reply box after the template is chosen.
 */
export const BUILTIN_TEMPLATES: { title: string; body: string }[] = [
  {
    title: 'Votre commande est prête',
    body: 'Bonjour,\nVotre commande est prête : vous pouvez venir la retirer à la pharmacie, avec votre carte Vitale.\nBonne journée.',
  },
  {
    title: 'Produit manquant, disponible le …',
    body: 'Bonjour,\nUn produit de votre ordonnance est manquant : il sera disponible le …. Le reste de votre commande vous attend à la pharmacie.\nBonne journée.',
  },
  {
    title: 'Ordonnance bien reçue',
    body: 'Bonjour,\nNous avons bien reçu votre ordonnance. Nous vous prévenons dès que votre commande est prête.\nBonne journée.',
  },
  {
    title: 'Photo illisible',
    body: "Bonjour,\nLa photo de votre ordonnance n'est pas lisible. Pouvez-vous nous en envoyer une plus nette, bien à plat et en pleine lumière ?\nMerci.",
  },
];
