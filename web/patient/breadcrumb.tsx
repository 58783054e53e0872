/** The DSFR breadcrumb: the links up to this page, then the page itself. */
export function Breadcrumb({
  links,
  current,
}: {
  links: { href: string; label: string }[];
  current: string;
}) {
  return (
    <nav class="fr-breadcrumb" aria-label="vous êtes ici :">
      <ol class="fr-breadcrumb__list">
        {links.map((link) => (
          <li key={link.href}>
            <a class="fr-breadcrumb__link" href={link.href}>
              {link.label}
            </a>
          </li>
        ))}
        <li>
          <span class="fr-breadcrumb__link" aria-current="page">
            {current}
          </span>
        </li>
      </ol>
    </nav>
  );
}
