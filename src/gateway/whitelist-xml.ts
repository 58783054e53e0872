import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The national whitelist as published (`listeblanchemssante.xml`): the domains are the text of
 * every `Nom` child of every `Domaine` element, wherever it sits in the document (`//Domaine/Nom`).
 * Other elements (operators, contacts…) are ignored. Entities are not expanded and DOCTYPEs are
 * not followed. Pure: bytes in, a set of lower-case domains out, or an error saying why.
 */
export type WhitelistParse =
  | { ok: true; domains: Set<string> }
  | { ok: false; reason: 'INVALID_XML' | 'NO_DOMAIN' | 'INVALID_DOMAIN' };

const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_DEPTH = 32;

export function parseWhitelistXml(xml: string): WhitelistParse {
  if (XMLValidator.validate(xml) !== true) return { ok: false, reason: 'INVALID_XML' };
  const parser = new XMLParser({
    ignoreAttributes: true,
    processEntities: false,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => name === 'Domaine' || name === 'Nom',
  });
  let tree: unknown;
  try {
    tree = parser.parse(xml);
  } catch {
    return { ok: false, reason: 'INVALID_XML' };
  }
  const names: string[] = [];
  collect(tree, names, 0);
  if (names.length === 0) return { ok: false, reason: 'NO_DOMAIN' };
  const domains = new Set<string>();
  for (const name of names) {
    const domain = name.trim().toLowerCase().replace(/\.$/, '');
    // One bad entry means a damaged or unexpected file: keep the last good list rather than guess.
    if (!DOMAIN.test(domain)) return { ok: false, reason: 'INVALID_DOMAIN' };
    domains.add(domain);
  }
  return { ok: true, domains };
}

/** Pushes the text of every Domaine/Nom under `node`. */
function collect(node: unknown, names: string[], depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    const children = Array.isArray(value) ? value : [value];
    if (key === 'Domaine') {
      for (const domaine of children) {
        if (domaine === null || typeof domaine !== 'object') continue;
        const nom = (domaine as Record<string, unknown>).Nom;
        for (const text of Array.isArray(nom) ? nom : []) if (typeof text === 'string') names.push(text);
      }
    }
    for (const child of children) collect(child, names, depth + 1);
  }
}
