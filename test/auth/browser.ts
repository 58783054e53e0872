/**
 * A tiny browser for login tests: a cookie jar (name, path, expiry; no domains: one test server
 * at a time) and fetch with `redirect: 'manual'`, following redirects itself as a user agent does.
 */
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  attributes: string;
}

export interface Hop {
  url: string;
  status: number;
}

export class Browser {
  readonly jar = new Map<string, StoredCookie>();

  /**
   * `reach` maps a public origin to where the server really listens (a TLS-terminating proxy in
   * front of it, as in production): requests to `from` go to `to`.
   */
  constructor(private readonly reach?: { from: string; to: string }) {}

  private resolve(url: string | URL): URL {
    const target = new URL(url);
    if (this.reach && target.origin === this.reach.from) {
      return new URL(target.pathname + target.search, this.reach.to);
    }
    return target;
  }

  cookieHeader(url: URL): string {
    return [...this.jar.values()]
      .filter(
        (c) =>
          url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** The Set-Cookie line a cookie came with, for attribute checks. */
  setCookieLine(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.attributes;
  }

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((c) => c.name === name)?.value;
  }

  private store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (key: string) =>
        attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attr('path') ?? url.pathname.replace(/\/[^/]*$/, '') ?? '/';
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const gone =
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      const key = `${name}\u0000${path}`;
      if (gone) this.jar.delete(key);
      else this.jar.set(key, { name, value, path: path || '/', attributes: line });
    }
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = this.resolve(url);
    const headers = new Headers(init.headers);
    const cookies = this.cookieHeader(target);
    if (cookies) headers.set('cookie', cookies);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response);
    return response;
  }

  /** Fetches and follows redirects (303 and 302 become GET); returns the last response and the hops. */
  async follow(
    url: string | URL,
    init: RequestInit = {},
  ): Promise<{ response: Response; hops: Hop[]; url: URL }> {
    let current = new URL(url);
    let request = init;
    const hops: Hop[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await this.fetch(current, request);
      hops.push({ url: current.href, status: response.status });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location)
        return { response, hops, url: current };
      await response.arrayBuffer();
      current = new URL(location, current);
      request = { headers: init.headers ?? {} };
    }
    throw new Error('too many redirects');
  }

  /** Submits a form (urlencoded POST) and follows what comes back. */
  submit(url: string | URL, fields: Record<string, string>) {
    return this.follow(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The `action` of the form whose action ends with `suffix`, resolved against `base`. */
export function formAction(html: string, suffix: string, base: URL): URL {
  const actions = [...html.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1] ?? '');
  const action = actions.find((a) => a.endsWith(suffix));
  if (!action) throw new Error(`no form ending with ${suffix} in page`);
  return new URL(action.replaceAll('&amp;', '&'), base);
}
