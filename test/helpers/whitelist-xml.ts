/** A whitelist in the national format (`listeblanchemssante.xml`) naming `domains`. */
export const whitelistXml = (domains: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<ListeBlanche>
  <Operateur>
    <Nom>Operateurs de test</Nom>
    <Domaines>
${domains.map((d) => `      <Domaine><Nom>${d}</Nom></Domaine>`).join('\n')}
    </Domaines>
  </Operateur>
</ListeBlanche>
`;
