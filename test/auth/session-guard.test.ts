import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/** What a session cookie may do: CSRF proof on every state change, idle and absolute timeouts. */
const patient = DEMO_ACCOUNTS.patients[1];
if (!patient) throw new Error('demo accounts missing');

let t = Date.now();
const clock = { now: () => new Date(t) };

async function loggedIn(base: string) {
  const browser = new Browser();
  const start = await browser.follow(`${base}/auth/patient/login`);
  const html = await start.response.text();
  const done = await browser.submit(formAction(html, '/login', start.url), {
    account: patient?.matricule ?? '',
  });
  assert.equal(done.url.pathname, '/patient/');
  const me = (await (await browser.fetch(`${base}/api/me`)).json()) as { csrfToken: string };
  return { browser, csrf: me.csrfToken };
}

describe('session guard', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, clock);
    server = await startServer({
      store,
      dataDir: data.dir,
      clock,
      env: { SESSION_IDLE_MINUTES_PATIENT: '10', SESSION_MAX_HOURS: '1' },
    });
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('refuses a cross-site POST without Origin or token: 403 CSRF_REJECTED, audited', async () => {
    const { browser, csrf } = await loggedIn(server.base);
    const attempts: Array<[string, Record<string, string>]> = [
      ['no Origin, no token', {}],
      ['a foreign Origin with the right token', { origin: 'https://evil.example', 'x-csrf-token': csrf }],
      ['Sec-Fetch-Site cross-site with the token', { 'sec-fetch-site': 'cross-site', 'x-csrf-token': csrf }],
      ['our Origin without the token', { origin: server.base }],
      ['our Origin with a wrong token', { origin: server.base, 'x-csrf-token': `${csrf}x` }],
    ];
    for (const [what, headers] of attempts) {
      const response = await browser.fetch(`${server.base}/auth/logout`, { method: 'POST', headers });
      assert.equal(response.status, 403, what);
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'CSRF_REJECTED', what);
      assert.match(body.error.message, /Requête refusée/);
    }
    assert.equal((await browser.fetch(`${server.base}/api/me`)).status, 200, 'the session is untouched');
    const refusals = (await auditRecords(store)).filter((r) => r.action === 'auth.refused');
    assert.equal(refusals.length, attempts.length);
    assert.deepEqual(
      [refusals[0]?.result, refusals[0]?.reason, refusals[0]?.actor_kind, refusals[0]?.target],
      ['denied', 'CSRF_REJECTED', 'patient', '/auth/logout'],
    );
  });

  it('accepts our own origin with the token: header, Sec-Fetch-Site, or the home page form', async () => {
    const a = await loggedIn(server.base);
    const byHeader = await a.browser.fetch(`${server.base}/auth/logout`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'same-origin', 'x-csrf-token': a.csrf },
    });
    assert.equal(byHeader.status, 204);

    const b = await loggedIn(server.base);
    const home = await (await b.browser.fetch(`${server.base}/`)).text();
    const csrfField = /name="csrf" value="([^"]+)"/.exec(home)?.[1];
    assert.equal(csrfField, b.csrf);
    const byForm = await b.browser.fetch(formAction(home, '/auth/logout', new URL(server.base)), {
      method: 'POST',
      headers: { origin: server.base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: b.csrf }).toString(),
    });
    assert.equal(byForm.status, 303);
    assert.equal((await b.browser.fetch(`${server.base}/api/me`)).status, 401);
  });

  it('ends a session after the idle period, audited as expired', async () => {
    const { browser } = await loggedIn(server.base);
    t += 9 * 60_000;
    assert.equal(
      (await browser.fetch(`${server.base}/api/me`)).status,
      200,
      'activity slides the idle timeout',
    );
    t += 9 * 60_000;
    assert.equal((await browser.fetch(`${server.base}/api/me`)).status, 200);
    t += 10 * 60_000;
    const expired = await browser.fetch(`${server.base}/api/me`);
    assert.equal(expired.status, 401);
    const body = (await expired.json()) as { error: { code: string; message: string } };
    assert.deepEqual(body.error.code, 'AUTH_REQUIRED');
    assert.match(body.error.message, /expiré/);
    assert.equal(browser.cookie('officine_session'), undefined, 'the cookie is cleared');
    const last = (await auditRecords(store)).at(-1);
    assert.deepEqual(
      [last?.action, last?.result, last?.reason, last?.actor_kind],
      ['auth.session-expired', 'denied', 'IDLE_TIMEOUT', 'patient'],
    );
  });

  it('ends a session at the absolute limit however active it is', async () => {
    const { browser } = await loggedIn(server.base);
    for (let i = 0; i < 6; i++) {
      t += 9 * 60_000;
      assert.equal((await browser.fetch(`${server.base}/api/me`)).status, 200);
    }
    // 61 minutes after login, 7 after the last request: within the idle period, past the limit.
    t += 7 * 60_000;
    assert.equal((await browser.fetch(`${server.base}/api/me`)).status, 401);
    assert.equal((await auditRecords(store)).at(-1)?.reason, 'ABSOLUTE_TIMEOUT');
  });
});
