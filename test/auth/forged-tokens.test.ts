import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JWTPayload } from 'jose';
import { NIR_OID } from '../../src/identity/national-id.ts';
import { nirFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser } from './browser.ts';
import { beginLogin, startTestProvider, type TestProvider } from './test-provider.ts';
import { auditRecords, startServer, type TestServer, tempDir } from './test-server.ts';

/**
 * The relying party against an issuer that lies: every forged answer is refused with its reason,
 * audited, and leaves no session.
 */
const matricule = nirFrom('1790369383087');
const identityClaims = {
  ins_matricule: matricule,
  ins_oid: NIR_OID,
  ins_status: 'QUAL',
  given_name: 'Lucas',
  family_name: 'Bernard',
};

describe('forged identity provider answers', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let idp: TestProvider;
  let server: TestServer;

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    idp = await startTestProvider();
    server = await startServer({
      store,
      dataDir: data.dir,
      env: {
        OIDC_PATIENT_ISSUER: idp.issuer,
        OIDC_PATIENT_CLIENT_ID: idp.clientId,
        OIDC_PATIENT_CLIENT_SECRET: idp.clientSecret,
      },
    });
  });
  after(async () => {
    await server.close();
    await idp.close();
    await store.dispose();
    data.remove();
  });

  /** One login where the provider's ID token is `forge(defaults + nonce + identity)`. */
  async function attempt(browser: Browser, forge: (claims: JWTPayload) => JWTPayload = (c) => c) {
    const { state, nonce, authorizeUrl } = await beginLogin((u) => browser.fetch(u), server.base, 'patient');
    idp.nextClaims = (defaults) => forge({ ...defaults, nonce, ...identityClaims });
    const callback = `${server.base}/auth/patient/callback?code=c${Math.random().toString(36).slice(2)}&state=${state}`;
    const response = await browser.fetch(callback);
    return { response, html: await response.text(), callback, nonce, authorizeUrl };
  }

  async function lastRecord() {
    const last = (await auditRecords(store)).at(-1);
    return { action: last?.action, result: last?.result, reason: last?.reason };
  }

  it('accepts an honest answer (the test provider works), with PKCE and acr_values sent', async () => {
    const browser = new Browser();
    const { response, authorizeUrl } = await attempt(browser);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/patient/');
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorizeUrl.searchParams.get('code_challenge'));
    assert.equal(authorizeUrl.searchParams.get('acr_values'), 'eidas2');
    assert.equal(authorizeUrl.searchParams.get('response_type'), 'code');
    const me = await browser.fetch(`${server.base}/api/me`);
    assert.equal(((await me.json()) as { matricule: string }).matricule, matricule);
  });

  const refusals: Array<[string, (c: JWTPayload) => JWTPayload, number, string]> = [
    ['a wrong audience', (c) => ({ ...c, aud: 'someone-else' }), 400, 'INVALID_ID_TOKEN'],
    [
      'an expired ID token',
      (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
      400,
      'INVALID_ID_TOKEN',
    ],
    ['another issuer', (c) => ({ ...c, iss: 'https://attacker.example' }), 400, 'INVALID_ID_TOKEN'],
    ['an acr below eidas2', (c) => ({ ...c, acr: 'eidas1' }), 403, 'ACR_TOO_LOW'],
    ['no acr at all', ({ acr: _acr, ...c }) => c, 403, 'ACR_TOO_LOW'],
    [
      'an identity that is not qualified',
      (c) => ({ ...c, ins_status: 'VALI' }),
      403,
      'IDENTITY_NOT_QUALIFIED',
    ],
    [
      'a matricule with a wrong key',
      (c) => ({ ...c, ins_matricule: `${matricule.slice(0, 13)}00` }),
      403,
      'INVALID_CLAIMS',
    ],
  ];
  for (const [what, forge, status, reason] of refusals) {
    it(`refuses ${what} (${reason}), audited, without a session`, async () => {
      const browser = new Browser();
      const { response, html } = await attempt(browser, forge);
      assert.equal(response.status, status);
      assert.match(html, new RegExp(reason));
      assert.match(html, /<html lang="fr">/);
      assert.equal(browser.cookie('officine_session'), undefined);
      assert.deepEqual(await lastRecord(), { action: 'auth.login', result: 'failure', reason });
    });
  }

  it('refuses an ID token signed with a key the issuer does not publish', async () => {
    const browser = new Browser();
    idp.signWithForeignKey = true;
    const { response } = await attempt(browser);
    assert.equal(response.status, 400);
    assert.deepEqual(await lastRecord(), {
      action: 'auth.login',
      result: 'failure',
      reason: 'INVALID_ID_TOKEN',
    });
  });

  it('refuses a replayed callback (state used once) and a replayed nonce', async () => {
    const browser = new Browser();
    const first = await attempt(browser);
    assert.equal(first.response.status, 303);
    const tokenRequests = idp.tokenRequests;
    const replay = await browser.fetch(first.callback);
    assert.equal(replay.status, 400);
    assert.equal(idp.tokenRequests, tokenRequests, 'a used state never reaches the token endpoint');
    assert.deepEqual(await lastRecord(), {
      action: 'auth.login',
      result: 'failure',
      reason: 'INVALID_CALLBACK',
    });

    // A new login whose provider answers with the previous login's nonce.
    const second = await attempt(browser, (c) => ({ ...c, nonce: first.nonce }));
    assert.equal(second.response.status, 400);
    assert.deepEqual(await lastRecord(), {
      action: 'auth.login',
      result: 'failure',
      reason: 'INVALID_ID_TOKEN',
    });
  });

  it('completes logins started in two tabs of one browser', async () => {
    const browser = new Browser();
    const one = await beginLogin((u) => browser.fetch(u), server.base, 'patient');
    const two = await beginLogin((u) => browser.fetch(u), server.base, 'patient');
    for (const { state, nonce } of [two, one]) {
      idp.nextClaims = (defaults) => ({ ...defaults, nonce, ...identityClaims });
      const response = await browser.fetch(`${server.base}/auth/patient/callback?code=t&state=${state}`);
      assert.equal(response.status, 303);
    }
  });

  it('says the identity provider cannot be reached, in French (502)', async () => {
    const unreachable = await startServer({
      store,
      dataDir: data.dir,
      env: { OIDC_PATIENT_ISSUER: 'http://127.0.0.1:9', OIDC_PATIENT_CLIENT_ID: 'x' },
    });
    try {
      const response = await new Browser().fetch(`${unreachable.base}/auth/patient/login`);
      assert.equal(response.status, 502);
      assert.match(await response.text(), /Fournisseur d’identité injoignable/);
      assert.deepEqual(await lastRecord(), {
        action: 'auth.login',
        result: 'failure',
        reason: 'IDP_UNAVAILABLE',
      });
    } finally {
      await unreachable.close();
    }
  });

  it('refuses a callback from another browser than the one that started the login', async () => {
    const starter = new Browser();
    const { state } = await beginLogin((u) => starter.fetch(u), server.base, 'patient');
    const victim = new Browser();
    const response = await victim.fetch(`${server.base}/auth/patient/callback?code=x&state=${state}`);
    assert.equal(response.status, 400);
    assert.deepEqual(await lastRecord(), {
      action: 'auth.login',
      result: 'failure',
      reason: 'INVALID_CALLBACK',
    });
  });
});
