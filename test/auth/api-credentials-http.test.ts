import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser } from './browser.ts';
import { apiCaller, login, me } from './login.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/** Pharmacy software credentials over HTTP: a titulaire manages them; software uses them. */
const titulaire = DEMO_ACCOUNTS.professionals.find((p) => p.role === 'titulaire');
const adjoint = DEMO_ACCOUNTS.professionals.find((p) => p.role === 'adjoint');
if (!titulaire || !adjoint) throw new Error('demo accounts missing');
const finess = titulaire.finess;

describe('API credentials for pharmacy software', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  const browser = new Browser();
  let csrf = '';

  const call = apiCaller(
    browser,
    () => server.base,
    () => csrf,
  );

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir });
    await login(browser, server.base, 'pro', { account: titulaire.rpps });
    csrf = String((await me(browser, server.base)).body.csrfToken);
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('a titulaire creates a credential, software authenticates with it, then it is revoked', async () => {
    const created = await call('POST', `/api/pharmacies/${finess}/credentials`, { name: 'LGO du comptoir' });
    assert.equal(created.status, 201);
    const { credential, token } = (await created.json()) as {
      credential: { id: string; name: string };
      token: string;
    };
    assert.equal(credential.name, 'LGO du comptoir');

    const asSoftware = await fetch(`${server.base}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(asSoftware.status, 200);
    assert.deepEqual(await asSoftware.json(), {
      population: 'pharmacy-software',
      credentialId: credential.id,
      finess,
    });

    const listed = await call('GET', `/api/pharmacies/${finess}/credentials`);
    const list = (await listed.json()) as { credentials: { id: string; revokedAt: string | null }[] };
    assert.ok(list.credentials.some((c) => c.id === credential.id && c.revokedAt === null));
    assert.ok(!JSON.stringify(list).includes(token.split('.')[1] ?? '-'), 'secrets are never listed');

    assert.equal(
      (await call('DELETE', `/api/pharmacies/${finess}/credentials/${credential.id}`)).status,
      204,
    );
    const revoked = await fetch(`${server.base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(revoked.status, 401);
    assert.equal(((await revoked.json()) as { error: { code: string } }).error.code, 'INVALID_CREDENTIAL');
  });

  it('refuses another pharmacy, a cross-site request and an adjoint', async () => {
    const other = await call('POST', '/api/pharmacies/010000016/credentials', { name: 'x' });
    assert.equal(other.status, 403);
    const crossSite = await browser.fetch(`${server.base}/api/pharmacies/${finess}/credentials`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    assert.equal(crossSite.status, 403);
    assert.equal(((await crossSite.json()) as { error: { code: string } }).error.code, 'CSRF_REJECTED');

    const adjointBrowser = new Browser();
    await login(adjointBrowser, server.base, 'pro', { account: adjoint.rpps });
    const token = String((await me(adjointBrowser, server.base)).body.csrfToken);
    const refused = await adjointBrowser.fetch(`${server.base}/api/pharmacies/${finess}/credentials`, {
      method: 'POST',
      headers: { origin: server.base, 'x-csrf-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
  });

  it('audits creation, revocation, refusals and bad tokens', async () => {
    await fetch(`${server.base}/api/me`, { headers: { authorization: 'Bearer omss_forged' } });
    const actions = (await auditRecords(store)).map((r) => `${r.action}:${r.result}:${r.reason ?? ''}`);
    for (const expected of [
      'credential.create:success:',
      'credential.revoke:success:',
      'credential.create:denied:NOT_TITULAIRE',
      'auth.refused:denied:INVALID_CREDENTIAL',
    ]) {
      assert.ok(actions.includes(expected), expected);
    }
  });
});
