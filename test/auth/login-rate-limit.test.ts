import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { NIR_OID } from '../../src/identity/national-id.ts';
import { nirFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { beginLogin, startTestProvider, type TestProvider } from './test-provider.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/**
 * Failed logins are limited per client IP and per account from it, in the store (so across
 * processes), in a way strangers cannot abuse: only failures count, never starts or successes, and
 * an account's failures count per address, so nobody locks someone else out — neither a
 * pharmacist by typing their RPPS, nor everyone behind a NAT by starting logins.
 */
const pharmacist = DEMO_ACCOUNTS.professionals[0];
const patient = DEMO_ACCOUNTS.patients[0];
if (!pharmacist || !patient) throw new Error('demo accounts missing');
const STRANGER = '203.0.113.66';
const PHARMACY_NAT = '198.51.100.7';

describe('login rate limits', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const server = await startServer({ store, dataDir: data.dir, env });
    servers.push(server);
    return server;
  };

  beforeEach(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await store.dispose();
    data.remove();
  });

  async function assertLimited(response: Response) {
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60,
      `Retry-After ${retryAfter}`,
    );
    const html = await response.text();
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Trop de tentatives de connexion/);
  }

  /** A callback that does not check out: a failure of the address. */
  const badCallback = (base: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/auth/patient/callback?code=c&state=not-a-state`, { headers });

  it('failures per client IP, across processes, whatever X-Forwarded-For says', async () => {
    const env = { LOGIN_RATE_LIMIT_IP: '3' };
    const a = await start(env);
    const b = await start(env);
    const browser = new Browser();
    for (const server of [a, b, a]) {
      const response = await badCallback(server.base, {
        'x-forwarded-for': `198.51.100.${servers.indexOf(server)}`,
      });
      assert.equal(response.status, 400);
    }
    const refused = await browser.fetch(`${b.base}/auth/pro/login`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    await assertLimited(refused);
    const last = (await auditRecords(store)).at(-1);
    assert.deepEqual([last?.action, last?.result, last?.reason], ['auth.refused', 'denied', 'RATE_LIMITED']);
  });

  it('takes the client IP from X-Forwarded-For only behind a trusted proxy', async () => {
    const server = await start({ LOGIN_RATE_LIMIT_IP: '2', TRUST_PROXY: '127.0.0.1' });
    const browser = new Browser();
    const from = (ip: string) =>
      browser.fetch(`${server.base}/auth/patient/login`, { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 2; i++) {
      assert.equal((await badCallback(server.base, { 'x-forwarded-for': '198.51.100.1' })).status, 400);
    }
    await assertLimited(await from('198.51.100.1'));
    assert.equal(
      (await from('198.51.100.2')).status,
      303,
      'another client behind the proxy has its own count',
    );
  });

  it('per account on the bundled provider’s form: identifiers that lead nowhere', async () => {
    const server = await start({ LOGIN_RATE_LIMIT_ACCOUNT: '2' });
    const nina = DEMO_ACCOUNTS.patients[2];
    assert.ok(nina);
    const browser = new Browser();
    const page = await browser.follow(`${server.base}/auth/patient/login`);
    const action = formAction(await page.response.text(), '/login', page.url);
    // Spaces or not, it is the same account.
    const spaced = nina.matricule.replace(/^(.)(..)(..)/, '$1 $2 $3 ');
    const wrongKey = `${nina.matricule.slice(0, 13)}00`;
    for (const identifier of [wrongKey, wrongKey]) {
      assert.notEqual((await browser.submit(action, { identifier })).response.status, 429);
    }
    await assertLimited((await browser.submit(action, { identifier: wrongKey })).response);
    // Another account is not affected.
    const other = await browser.submit(action, { identifier: spaced });
    assert.equal(other.url.pathname, '/patient/');
  });

  /** A whole login on the bundled provider's form, from `ip`; where the browser ends up. */
  async function demoLogin(base: string, ip: string, segment: 'patient' | 'pro', account: string) {
    const browser = new Browser();
    const headers = { 'x-forwarded-for': ip };
    const page = await browser.follow(`${base}/auth/${segment}/login`, { headers });
    if (page.response.status !== 200) return { status: page.response.status, path: page.url.pathname };
    const done = await browser.follow(formAction(await page.response.text(), '/login', page.url), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ account }).toString(),
    });
    return { status: done.response.status, path: done.url.pathname };
  }

  it('a stranger submitting a pharmacist’s RPPS eleven times locks nobody out', async () => {
    const server = await start({ TRUST_PROXY: '127.0.0.1' });
    for (let i = 0; i < 11; i++) {
      assert.notEqual((await demoLogin(server.base, STRANGER, 'pro', pharmacist.rpps)).status, 429);
    }
    const real = await demoLogin(server.base, PHARMACY_NAT, 'pro', pharmacist.rpps);
    assert.equal(real.path, '/pharmacie/', 'the pharmacist still logs in');
  });

  it('logins started from one address are not counted: it can still log in', async () => {
    const server = await start({ LOGIN_RATE_LIMIT_IP: '3', TRUST_PROXY: '127.0.0.1' });
    const browser = new Browser();
    for (let i = 0; i < 5; i++) {
      const started = await browser.fetch(`${server.base}/auth/patient/login`, {
        headers: { 'x-forwarded-for': PHARMACY_NAT },
      });
      assert.equal(started.status, 303);
    }
    const done = await demoLogin(server.base, PHARMACY_NAT, 'patient', patient.matricule);
    assert.equal(done.path, '/patient/');
  });

  describe('failed callbacks of an account', () => {
    let idp: TestProvider;
    after(async () => {
      await idp?.close();
    });

    it('slow that account from that address only', async () => {
      idp = await startTestProvider();
      const server = await start({
        LOGIN_RATE_LIMIT_ACCOUNT: '2',
        TRUST_PROXY: '127.0.0.1',
        OIDC_PATIENT_ISSUER: idp.issuer,
        OIDC_PATIENT_CLIENT_ID: idp.clientId,
        OIDC_PATIENT_CLIENT_SECRET: idp.clientSecret,
      });
      const matricule = nirFrom('2850233012345');
      const attempt = async (ip: string, acr: string) => {
        const browser = new Browser();
        const headers = { 'x-forwarded-for': ip };
        const { state, nonce } = await beginLogin(
          (u) => browser.fetch(u, { headers }),
          server.base,
          'patient',
        );
        idp.nextClaims = (c) => ({
          ...c,
          nonce,
          acr,
          ins_matricule: matricule,
          ins_oid: NIR_OID,
          ins_status: 'QUAL',
          given_name: 'Nina',
          family_name: 'Test',
        });
        return browser.fetch(`${server.base}/auth/patient/callback?code=c&state=${state}`, { headers });
      };
      assert.equal((await attempt(STRANGER, 'eidas1')).status, 403);
      assert.equal((await attempt(STRANGER, 'eidas1')).status, 403);
      assert.equal((await attempt(STRANGER, 'eidas2')).status, 429, 'from where the failures came');
      const elsewhere = await attempt(PHARMACY_NAT, 'eidas2');
      assert.equal(elsewhere.status, 303, 'from another address the account logs in');
      assert.equal(elsewhere.headers.get('location'), '/patient/');
    });
  });
});
