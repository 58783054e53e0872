import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { startServer, tempDir, withDemo } from './test-server.ts';

/**
 * Behind a TLS-terminating proxy: PUBLIC_URL is https, so every URL the server and its bundled
 * provider hand out is https, cookies are Secure (the session one `__Host-`), and the CSRF check
 * wants the public origin.
 */
test('an https PUBLIC_URL gives https URLs, Secure cookies and a __Host- session cookie', async () => {
  const store = await openTestStore();
  const data = tempDir();
  await withDemo(store, { now: () => new Date() });
  const publicUrl = 'https://officine.example';
  const server = await startServer({
    store,
    dataDir: data.dir,
    env: {
      PUBLIC_URL: publicUrl,
      // A demo behind a public name: the passwordless provider needs the explicit opt-in.
      BUNDLED_IDP: 'on-public-url-i-understand',
    },
  });
  try {
    const discovery = (await (await fetch(`${server.base}/idp/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      token_endpoint: string;
      code_challenge_methods_supported: string[];
    };
    assert.equal(discovery.issuer, `${publicUrl}/idp`);
    assert.equal(discovery.token_endpoint, `${publicUrl}/idp/token`);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);

    const browser = new Browser({ from: publicUrl, to: server.base });
    const start = await browser.fetch(`${publicUrl}/auth/pro/login`);
    assert.equal(start.status, 303);
    assert.ok(start.headers.get('location')?.startsWith(`${publicUrl}/idp/auth?`));
    assert.match(browser.setCookieLine('officine_login') ?? '', /; Secure/i);

    const page = await browser.follow(start.headers.get('location') ?? '');
    assert.equal(page.response.status, 200);
    assert.match(page.response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const pharmacist = DEMO_ACCOUNTS.professionals[2];
    assert.ok(pharmacist);
    const done = await browser.submit(formAction(await page.response.text(), '/login', page.url), {
      account: pharmacist.rpps,
    });
    assert.equal(done.response.status, 200);
    const sessionCookie = browser.setCookieLine('__Host-officine_session') ?? '';
    for (const attribute of [/; Secure/i, /; HttpOnly/i, /; SameSite=Lax/i, /; Path=\/(;|$)/]) {
      assert.match(sessionCookie, attribute);
    }
    assert.doesNotMatch(sessionCookie, /Domain=/i);
    assert.equal(browser.cookie('officine_session'), undefined);
    const me = (await (await browser.fetch(`${publicUrl}/api/me`)).json()) as {
      rpps: string;
      csrfToken: string;
    };
    assert.equal(me.rpps, pharmacist.rpps);

    const local = await browser.fetch(`${publicUrl}/auth/logout`, {
      method: 'POST',
      headers: { origin: server.base, 'x-csrf-token': me.csrfToken },
    });
    assert.equal(local.status, 403, 'the listening address is not the public origin');
    const out = await browser.fetch(`${publicUrl}/auth/logout`, {
      method: 'POST',
      headers: { origin: publicUrl, 'x-csrf-token': me.csrfToken },
    });
    assert.equal(out.status, 204);
  } finally {
    await server.close();
    await store.dispose();
    data.remove();
  }
});
