import { createHash } from 'node:crypto';

/**
 * The few server-rendered pages of login (the bundled provider's form, refusals, errors): French,
 * self-contained (no script, no third-party resource), one inline style allowed by its hash.
 */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f6;color:#161616;line-height:1.5}',
  'main{max-width:40rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #ddd}',
  'h1{font-size:1.5rem;margin-top:0}fieldset{border:1px solid #ccc;padding:.5rem 1rem;margin:0 0 1rem}',
  'legend{font-weight:600}.choice{margin:.4rem 0}label{cursor:pointer}',
  'input[type=text]{display:block;width:100%;max-width:24rem;padding:.4rem;font-size:1rem;margin:.25rem 0 1rem}',
  'button{font-size:1rem;padding:.5rem 1rem;background:#000091;color:#fff;border:0;cursor:pointer}',
  'button.secondary{background:#fff;color:#000091;border:1px solid #000091}',
  '.alert{border-left:4px solid #ce0500;padding:.5rem 1rem;background:#fee}',
  '.note{color:#555;font-size:.9rem}:focus-visible{outline:2px solid #0a76f6;outline-offset:2px}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The Content-Security-Policy of these pages: nothing but the inline style and same-origin forms. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** A complete page; `body` is trusted HTML (escape every value put into it). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Officine MSS</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>`;
}

/** Headers every such page is sent with (besides the common ones of src/http/hooks/security-headers.ts). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'cache-control': 'no-store',
};
