import assert from 'node:assert/strict';
import { type Browser, formAction } from './browser.ts';

/** Starts a login and returns the provider's page (the account form) and where it is. */
export async function openLoginPage(browser: Browser, base: string, segment: 'patient' | 'pro') {
  const { response, url } = await browser.follow(`${base}/auth/${segment}/login`);
  assert.equal(response.status, 200);
  assert.match(url.pathname, /^\/idp\/interaction\/[^/]+$/);
  return { html: await response.text(), url };
}

export async function login(
  browser: Browser,
  base: string,
  segment: 'patient' | 'pro',
  fields: Record<string, string>,
) {
  const page = await openLoginPage(browser, base, segment);
  return browser.submit(formAction(page.html, '/login', page.url), fields);
}

export async function me(browser: Browser, base: string) {
  const response = await browser.fetch(`${base}/api/me`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Calls the API as a signed-in browser does: our Origin, the session's CSRF token, a JSON body. */
export function apiCaller(browser: Browser, base: () => string, csrf: () => string) {
  return (method: string, path: string, body?: unknown) =>
    browser.fetch(`${base()}${path}`, {
      method,
      headers: {
        origin: base(),
        'x-csrf-token': csrf(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}
