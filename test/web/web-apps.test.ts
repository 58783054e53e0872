import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { WEB_CSP } from '../../src/http/routes/web-apps.ts';
import { Browser } from '../auth/browser.ts';
import { login } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * How the server hands out the built web apps: only to a session of the app's population, with
 * the strict CSP on pages and assets, hashed assets cached for good, and a French page when the
 * apps were not built. A tiny stand-in build (WEB_DIR) keeps this test independent of Vite.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const claire = DEMO_ACCOUNTS.professionals[0];
if (!camille || !claire) throw new Error('demo accounts missing');

describe('web apps', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  let empty: TestServer;

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    const web = path.join(data.dir, 'web');
    for (const app of ['patient', 'pharmacie']) {
      fs.mkdirSync(path.join(web, app), { recursive: true });
      fs.writeFileSync(path.join(web, app, 'index.html'), `<!doctype html><title>${app}</title>`);
    }
    fs.mkdirSync(path.join(web, 'assets'));
    fs.writeFileSync(path.join(web, 'assets', 'app-1a2b3c.js'), 'console.log(1);');
    server = await startServer({ store, dataDir: data.dir, env: { WEB_DIR: web } });
    empty = await startServer({ store, dataDir: data.dir, env: { WEB_DIR: path.join(data.dir, 'none') } });
  });
  after(async () => {
    await server.close();
    await empty.close();
    await store.dispose();
    data.remove();
  });

  it('sends a visitor without a session to the login of the app they asked for', async () => {
    const browser = new Browser();
    for (const [app, loginPath] of [
      ['patient', '/auth/patient/login'],
      ['pharmacie', '/auth/pro/login'],
    ]) {
      const response = await browser.fetch(`${server.base}/${app}/`);
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), loginPath);
      const bare = await browser.fetch(`${server.base}/${app}`);
      assert.equal(bare.headers.get('location'), `/${app}/`);
    }
  });

  it('serves each app to its own population only, with the strict CSP', async () => {
    const patient = new Browser();
    await login(patient, server.base, 'patient', { account: camille.matricule });
    const page = await patient.fetch(`${server.base}/patient/`);
    assert.equal(page.status, 200);
    assert.equal(await page.text(), '<!doctype html><title>patient</title>');
    assert.equal(page.headers.get('content-security-policy'), WEB_CSP);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    // A patient is not a pharmacy team member.
    const counter = await patient.fetch(`${server.base}/pharmacie/`);
    assert.equal(counter.status, 303);
    assert.equal(counter.headers.get('location'), '/auth/pro/login');

    const pro = new Browser();
    await login(pro, server.base, 'pro', { account: claire.rpps });
    assert.equal((await pro.fetch(`${server.base}/pharmacie/`)).status, 200);
    assert.equal((await pro.fetch(`${server.base}/patient/`)).status, 303);
  });

  it('serves hashed assets with the CSP, cached for good, and nothing outside the assets folder', async () => {
    const browser = new Browser();
    const asset = await browser.fetch(`${server.base}/assets/app-1a2b3c.js`);
    assert.equal(asset.status, 200);
    assert.equal(await asset.text(), 'console.log(1);');
    assert.equal(asset.headers.get('content-security-policy'), WEB_CSP);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    for (const probe of ['/assets/../patient/index.html', '/assets/%2e%2e/patient/index.html']) {
      const response = await browser.fetch(`${server.base}${probe}`);
      assert.notEqual(await response.text(), '<!doctype html><title>patient</title>', probe);
    }
    assert.equal((await browser.fetch(`${server.base}/assets/missing.js`)).status, 404);
  });

  it('says in French how to build the apps when they are missing', async () => {
    const browser = new Browser();
    await login(browser, empty.base, 'patient', { account: camille.matricule });
    const response = await browser.fetch(`${empty.base}/patient/`);
    assert.equal(response.status, 503);
    assert.match(await response.text(), /Les applications web ne sont pas construites[\s\S]*npm run build/);
  });
});
