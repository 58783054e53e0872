/**
 * Plain text from an HTML body, for the rare sender whose message has no text/plain part. Nothing
 * is interpreted: script, style, head and comments are dropped with their content, every other
 * tag is removed (block tags become line breaks, `<li>` a dash), entities are decoded, blank
 * runs are collapsed. The result is only ever shown as text, never as HTML.
 */
const DROPPED = /<(script|style|head|title|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>/g;
const BREAK = /<(?:br|hr)\b[^>]*>/gi;
const BLOCK =
  /<\/?(?:p|div|h[1-6]|ul|ol|table|tr|blockquote|pre|section|article|header|footer|address|center)\b[^>]*>/gi;
const ITEM = /<li\b[^>]*>/gi;
const CELL = /<\/t[dh]\s*>/gi;
const TAG = /<\/?[a-z][^>]*>/gi;

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  ccedil: 'ç',
  icirc: 'î',
  iuml: 'ï',
  ocirc: 'ô',
  ouml: 'ö',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  Agrave: 'À',
  Ccedil: 'Ç',
  oelig: 'œ',
  OElig: 'Œ',
  laquo: '«',
  raquo: '»',
  euro: '€',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  deg: '°',
  copy: '©',
};

export function htmlToText(html: string): string {
  const text = html
    .replace(DROPPED, '')
    .replace(COMMENT, '')
    .replace(/\s+/g, ' ')
    .replace(BREAK, '\n')
    .replace(ITEM, '\n- ')
    .replace(CELL, '\t')
    .replace(BLOCK, '\n')
    .replace(TAG, '')
    .replace(/[<>]/g, '');
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      const safe = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfeff;
      return safe ? String.fromCodePoint(code) : '';
    }
    return NAMED[entity] ?? whole;
  });
}
