import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { DEFAULT_CSP } from '../../src/http/hooks/security-headers.ts';
import { Browser } from '../auth/browser.ts';
import { login } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * Every kind of answer carries the common security headers, from one hook: JSON, errors, 404,
 * web app pages and their static files, event streams, downloads, login pages and the bundled
 * identity provider's own answers. Strict-Transport-Security only with an https PUBLIC_URL.
 */
const camille = DEMO_ACCOUNTS.patients[0];
if (!camille) throw new Error('demo accounts missing');

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function assertSecured(what: string, response: Response, csp: RegExp | string = DEFAULT_CSP) {
  for (const [name, value] of Object.entries(COMMON)) {
    assert.equal(response.headers.get(name), value, `${what}: ${name}`);
  }
  const policy = response.headers.get('content-security-policy') ?? '';
  if (typeof csp === 'string') assert.equal(policy, csp, `${what}: content-security-policy`);
  else assert.match(policy, csp, `${what}: content-security-policy`);
  assert.equal(response.headers.get('strict-transport-security'), null, `${what}: no HSTS over http`);
}

describe('security headers', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  let https: TestServer;

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    const web = path.join(data.dir, 'web');
    fs.mkdirSync(path.join(web, 'patient'), { recursive: true });
    fs.writeFileSync(path.join(web, 'patient', 'index.html'), '<!doctype html><title>patient</title>');
    fs.mkdirSync(path.join(web, 'assets'));
    fs.writeFileSync(path.join(web, 'assets', 'app-1a2b3c.js'), 'console.log(1);');
    server = await startServer({ store, dataDir: data.dir, env: { WEB_DIR: web } });
    https = await startServer({
      store,
      dataDir: data.dir,
      env: { PUBLIC_URL: 'https://officine.example.fr', BUNDLED_IDP: 'on-public-url-i-understand' },
    });
  });
  after(async () => {
    await server.close();
    await https.close();
    await store.dispose();
    data.remove();
  });

  it('JSON, errors and 404 answers', async () => {
    assertSecured('health', await fetch(`${server.base}/api/health`));
    assertSecured('openapi', await fetch(`${server.base}/api/openapi.json`));
    assertSecured('401', await fetch(`${server.base}/api/patient/conversations`));
    assertSecured('400', await fetch(`${server.base}/api/pharmacies/x/credentials`));
    assertSecured('404', await fetch(`${server.base}/api/nothing-here`));
    assertSecured('404 page', await fetch(`${server.base}/nothing-here`));
    const refused = await fetch(`${server.base}/api/patient/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.ok(refused.status >= 400);
    assertSecured('unparsable body', refused);
  });

  it('login pages, the bundled provider and the home page', async () => {
    const browser = new Browser();
    assertSecured('home', await browser.fetch(`${server.base}/`), /default-src 'none'; style-src/);
    let response = await browser.fetch(`${server.base}/auth/patient/login`);
    assert.equal(response.status, 303);
    assertSecured('login start', response);
    // The provider's own answers (authorization endpoint, redirect) up to our login page.
    let url = new URL(response.headers.get('location') ?? '', server.base);
    for (let hop = 0; hop < 5 && response.status === 303; hop++) {
      response = await browser.fetch(url);
      assertSecured(`provider ${url.pathname}`, response, /default-src 'none'/);
      url = new URL(response.headers.get('location') ?? url.href, url);
    }
    assert.equal(response.status, 200);
    assert.match(url.pathname, /^\/idp\/interaction\//);
    assertSecured(
      'provider discovery',
      await fetch(`${server.base}/idp/.well-known/openid-configuration`),
      /./,
    );
    const refused = await fetch(`${server.base}/auth/patient/callback?code=x&state=y`);
    assert.equal(refused.status, 400);
    assertSecured('login refusal page', refused, /default-src 'none'; style-src/);
  });

  it('web app pages, static files, event streams and downloads', async () => {
    const browser = new Browser();
    await login(browser, server.base, 'patient', { account: camille.matricule });
    const csrf = String(
      ((await (await browser.fetch(`${server.base}/api/me`)).json()) as { csrfToken: string }).csrfToken,
    );
    assertSecured('web app page', await browser.fetch(`${server.base}/patient/`), /script-src 'self'/);
    assertSecured('static file', await fetch(`${server.base}/assets/app-1a2b3c.js`), /script-src 'self'/);

    const abort = new AbortController();
    const stream = await browser.fetch(`${server.base}/api/patient/events`, { signal: abort.signal });
    assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assertSecured('event stream', stream);
    abort.abort();

    const documents = (await (await browser.fetch(`${server.base}/api/patient/documents`)).json()) as {
      documents: { id: string; kind: string }[];
    };
    const sent = await browser.fetch(`${server.base}/api/patient/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.base, 'x-csrf-token': csrf },
      body: JSON.stringify({
        finess: DEMO_PHARMACY.finess,
        subject: 'Ordonnance',
        text: 'Bonjour',
        documentIds: [documents.documents[0]?.id],
      }),
    });
    assert.equal(sent.status, 201);
    assertSecured('created', sent);
    const attachment = ((await sent.json()) as { message: { attachments: { id: string }[] } }).message
      .attachments[0];
    const download = await browser.fetch(`${server.base}/api/patient/attachments/${attachment?.id}`);
    assert.equal(download.status, 200);
    assertSecured('download', download, "default-src 'none'; sandbox");
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
  });

  it('Strict-Transport-Security when PUBLIC_URL is https, on every kind of answer', async () => {
    for (const url of ['/api/health', '/api/nothing-here', '/', '/auth/patient/login']) {
      const response = await fetch(`${https.base}${url}`, { redirect: 'manual' });
      assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000', url);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', url);
    }
  });
});
