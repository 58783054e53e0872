import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { NIR_OID } from '../../src/identity/national-id.ts';
import { nirFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { beginLogin, startTestProvider, type TestProvider } from './test-provider.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/** Login attempts are limited per client IP and per account, in the store (so across processes). */
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

  it('per client IP on the login routes, across processes, whatever X-Forwarded-For says', async () => {
    const env = { LOGIN_RATE_LIMIT_IP: '3' };
    const a = await start(env);
    const b = await start(env);
    const browser = new Browser();
    for (const server of [a, b, a]) {
      const response = await browser.fetch(`${server.base}/auth/patient/login`, {
        headers: { 'x-forwarded-for': `198.51.100.${servers.indexOf(server)}` },
      });
      assert.equal(response.status, 303);
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
    assert.equal((await from('198.51.100.1')).status, 303);
    assert.equal((await from('198.51.100.1')).status, 303);
    await assertLimited(await from('198.51.100.1'));
    assert.equal(
      (await from('198.51.100.2')).status,
      303,
      'another client behind the proxy has its own count',
    );
  });

  it('per account on the bundled provider’s form', async () => {
    const server = await start({ LOGIN_RATE_LIMIT_ACCOUNT: '2' });
    const patient = DEMO_ACCOUNTS.patients[2];
    assert.ok(patient);
    const browser = new Browser();
    const page = await browser.follow(`${server.base}/auth/patient/login`);
    const action = formAction(await page.response.text(), '/login', page.url);
    // Spaces or not, it is the same account.
    const spaced = patient.matricule.replace(/^(.)(..)(..)/, '$1 $2 $3 ');
    const wrongKey = `${patient.matricule.slice(0, 13)}00`;
    for (const identifier of [wrongKey, wrongKey]) {
      assert.notEqual((await browser.submit(action, { identifier })).response.status, 429);
    }
    await assertLimited((await browser.submit(action, { identifier: wrongKey })).response);
    // Another account is not affected.
    const other = await browser.submit(action, { identifier: spaced });
    assert.equal(other.url.pathname, '/patient/');
  });

  describe('per account on failed callbacks', () => {
    let idp: TestProvider;
    after(async () => {
      await idp?.close();
    });

    it('refuses further logins of an account after too many failures', async () => {
      idp = await startTestProvider();
      const server = await start({
        LOGIN_RATE_LIMIT_ACCOUNT: '2',
        OIDC_PATIENT_ISSUER: idp.issuer,
        OIDC_PATIENT_CLIENT_ID: idp.clientId,
        OIDC_PATIENT_CLIENT_SECRET: idp.clientSecret,
      });
      const matricule = nirFrom('2850233012345');
      const attempt = async (acr: string) => {
        const browser = new Browser();
        const { state, nonce } = await beginLogin((u) => browser.fetch(u), server.base, 'patient');
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
        return browser.fetch(`${server.base}/auth/patient/callback?code=c&state=${state}`);
      };
      assert.equal((await attempt('eidas1')).status, 403);
      assert.equal((await attempt('eidas1')).status, 403);
      // Even a good answer for this account now waits.
      await assertLimited(await attempt('eidas2'));
      const last = (await auditRecords(store)).at(-1);
      assert.deepEqual(
        [last?.action, last?.reason, last?.actor_kind],
        ['auth.refused', 'RATE_LIMITED', 'patient'],
      );
    });
  });
});
