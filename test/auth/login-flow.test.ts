import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IDP_SECRETS_FILE } from '../../src/auth/bundled-idp/keys.ts';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { nirFrom, rppsFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { login, me, openLoginPage } from './login.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/**
 * The whole login, as a new user's browser does it, against the bundled identity provider:
 * login link → provider → our French account page → form → provider → callback → home page.
 */
const patient = DEMO_ACCOUNTS.patients[0];
const pharmacist = DEMO_ACCOUNTS.professionals[0];
if (!patient || !pharmacist) throw new Error('demo accounts missing');

describe('login through the bundled identity provider', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startServer({ store, dataDir: data.dir, env });
    servers.push(server);
    return server;
  };

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
  });
  after(async () => {
    for (const server of servers) await server.close();
    await store.dispose();
    data.remove();
  });

  it('logs a demo patient in from the account list; /api/me says who they are', async () => {
    const { base } = await start();
    const browser = new Browser();
    const page = await openLoginPage(browser, base, 'patient');
    assert.match(page.html, /<html lang="fr">/);
    assert.match(page.html, /Connexion patient/);
    assert.ok(page.html.includes(`value="${patient.matricule}"`), 'the demo patients are listed');
    const preLogin = browser.cookie('officine_login');
    assert.ok(preLogin);

    const done = await browser.submit(formAction(page.html, '/login', page.url), {
      account: patient.matricule,
    });
    assert.equal(done.url.pathname, '/patient/', 'the patient space');
    // The home page says who is signed in.
    const home = await browser.fetch(`${base}/`);
    assert.match(
      await home.text(),
      new RegExp(`connecté\\(e\\) en tant que patient\\(e\\) : <strong>${patient.name}`),
    );
    const callback = done.hops.find((h) => h.url.includes('/auth/patient/callback'));
    assert.equal(callback?.status, 303);

    const session = browser.cookie('officine_session');
    assert.ok(session && Buffer.from(session, 'base64url').length >= 16);
    assert.notEqual(session, preLogin, 'a pre-login id never becomes the session id');
    const line = browser.setCookieLine('officine_session') ?? '';
    assert.match(line, /HttpOnly/i);
    assert.match(line, /SameSite=Lax/i);
    assert.match(line, /Path=\//);
    assert.doesNotMatch(line, /Secure/i, 'plain HTTP on 127.0.0.1: not Secure');

    const { status, body } = await me(browser, base);
    assert.equal(status, 200);
    assert.equal(body.population, 'patient');
    assert.equal(body.matricule, patient.matricule);
    assert.equal(body.address, patient.address);
    assert.equal(`${body.givenNames} ${body.familyName}`, patient.name);
    assert.equal(typeof body.csrfToken, 'string');

    const records = await auditRecords(store);
    const success = records.filter((r) => r.action === 'auth.login' && r.result === 'success');
    assert.equal(success.length, 1);
    assert.equal(success[0]?.actor_kind, 'patient');
    assert.match(success[0]?.actor_id ?? '', /^[0-9a-f]{64}$/, 'a pseudonym');
    assert.ok(!JSON.stringify(records).includes(patient.matricule), 'no clear matricule in the trail');
  });

  it('logs a demo pharmacist in by typed RPPS, with memberships from the directory', async () => {
    const { base } = await start();
    const browser = new Browser();
    const page = await openLoginPage(browser, base, 'pro');
    assert.match(page.html, /Connexion professionnel de santé/);
    const spaced = `${pharmacist.rpps.slice(0, 5)} ${pharmacist.rpps.slice(5)}`;
    const done = await browser.submit(formAction(page.html, '/login', page.url), { identifier: spaced });
    assert.equal(done.url.pathname, '/pharmacie/');
    const { status, body } = await me(browser, base);
    assert.equal(status, 200);
    assert.equal(body.population, 'professional');
    assert.equal(body.rpps, pharmacist.rpps);
    assert.deepEqual(body.memberships, [
      { finess: pharmacist.finess, pharmacyName: pharmacist.pharmacy, role: pharmacist.role },
    ]);
    const records = await auditRecords(store);
    const last = records.at(-1);
    assert.deepEqual(
      { action: last?.action, result: last?.result, kind: last?.actor_kind, id: last?.actor_id },
      { action: 'auth.login', result: 'success', kind: 'professional', id: pharmacist.rpps },
    );
  });

  it('keeps the session across a restart, and ends it everywhere at logout', async () => {
    const first = await start();
    const browser = new Browser();
    await login(browser, first.base, 'patient', { account: patient.matricule });
    const { body } = await me(browser, first.base);
    const secretsFile = path.join(data.dir, IDP_SECRETS_FILE);
    const secrets = fs.readFileSync(secretsFile, 'utf8');
    await first.close();

    // A new server (a new process) on the same store: the same cookie is still a session.
    const second = await start();
    const again = await me(browser, second.base);
    assert.equal(again.status, 200);
    assert.equal(again.body.matricule, patient.matricule);
    assert.equal(again.body.csrfToken, body.csrfToken);
    assert.equal(fs.readFileSync(secretsFile, 'utf8'), secrets, 'the provider keys are kept under DATA_DIR');
    const third = await start();
    assert.equal((await me(browser, third.base)).status, 200, 'a second process sees it too');

    const sessionId = browser.cookie('officine_session');
    const out = await browser.fetch(`${second.base}/auth/logout`, {
      method: 'POST',
      headers: { origin: second.base, 'x-csrf-token': String(body.csrfToken) },
    });
    assert.equal(out.status, 204);
    assert.equal(browser.cookie('officine_session'), undefined, 'the cookie is cleared');

    // Even with the old cookie, every process now says: not logged in.
    for (const server of [second, third]) {
      const gone = await fetch(`${server.base}/api/me`, {
        headers: { cookie: `officine_session=${sessionId}` },
      });
      assert.equal(gone.status, 401);
      assert.equal(((await gone.json()) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    }
    const records = await auditRecords(store);
    assert.ok(
      records.some((r) => r.action === 'auth.logout' && r.result === 'success' && r.actor_kind === 'patient'),
    );
  });

  it('refuses a professional with no pharmacy with a French 403 page, audited', async () => {
    const { base, app } = await start();
    const rpps = rppsFrom('1000999992');
    await app.store.db
      .insertInto('professionals')
      .values({ rpps, family_name: 'Sansofficine', given_name: 'Alex', updated_at: new Date().toISOString() })
      .execute();
    const browser = new Browser();
    const done = await login(browser, base, 'pro', { identifier: rpps });
    assert.equal(done.response.status, 403);
    assert.match(done.response.headers.get('content-type') ?? '', /text\/html/);
    const html = await done.response.text();
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Aucune pharmacie associée à votre compte/);
    assert.match(html, /NOT_A_MEMBER/);
    assert.doesNotMatch(html, /at .*\.ts:\d+/, 'no stack trace');
    assert.equal(browser.cookie('officine_session'), undefined);
    assert.equal((await me(browser, base)).status, 401);
    const last = (await auditRecords(store)).at(-1);
    assert.deepEqual(
      { action: last?.action, result: last?.result, reason: last?.reason, id: last?.actor_id },
      { action: 'auth.login', result: 'failure', reason: 'NOT_A_MEMBER', id: rpps },
    );
  });

  it('the provider form explains an unknown, malformed or unqualified identity, in French', async () => {
    const { base, app } = await start();
    const browser = new Browser();
    const page = await openLoginPage(browser, base, 'patient');
    const action = formAction(page.html, '/login', page.url);

    const empty = await browser.submit(action, {});
    assert.equal(empty.response.status, 400);
    assert.match(await empty.response.text(), /Choisissez un compte/);

    const malformed = await browser.submit(action, { identifier: '12345' });
    assert.equal(malformed.response.status, 400);
    const malformedHtml = await malformed.response.text();
    assert.match(malformedHtml, /role="alert"/);
    assert.match(malformedHtml, /aria-invalid="true"/);

    const unknown = patient.matricule.replace(/^2/, '1');
    const notFound = await browser.submit(action, { identifier: unknown });
    assert.ok([400, 403].includes(notFound.response.status));

    const vali = nirFrom('1800175123456');
    await app.store.db
      .insertInto('patients')
      .values({
        matricule: vali,
        oid: '1.2.250.1.213.1.4.8',
        identity_status: 'VALI',
        family_name: 'Provisoire',
        given_names: 'Dominique',
        birth_date: '1980-01-01',
        sex: 'M',
        birthplace_code: '75112',
        created_at: new Date().toISOString(),
      })
      .execute();
    const unqualified = await browser.submit(action, { identifier: vali });
    assert.equal(unqualified.response.status, 403);
    assert.match(await unqualified.response.text(), /n’est pas qualifiée/);

    // Still the same interaction: a right answer now logs in.
    const done = await browser.submit(action, { account: patient.matricule });
    assert.equal(done.url.pathname, '/patient/');
  });

  it('a cancelled login says so; a replayed callback is refused', async () => {
    const { base } = await start();
    const browser = new Browser();
    const page = await openLoginPage(browser, base, 'patient');
    const cancelled = await browser.submit(formAction(page.html, '/abort', page.url), {});
    assert.match(await cancelled.response.text(), /Connexion annulée/);
    assert.equal((await auditRecords(store)).at(-1)?.reason, 'LOGIN_CANCELLED');

    const done = await login(browser, base, 'patient', { account: patient.matricule });
    const callback = done.hops.find((h) => h.url.includes('/auth/patient/callback'));
    assert.ok(callback);
    const replay = await browser.fetch(callback.url);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /INVALID_CALLBACK/);
    const last = (await auditRecords(store)).at(-1);
    assert.deepEqual(
      [last?.action, last?.result, last?.reason],
      ['auth.login', 'failure', 'INVALID_CALLBACK'],
    );
  });

  it('refuses an acr below the configured minimum', async () => {
    const { base } = await start({ OIDC_PRO_MIN_ACR: 'eidas2' });
    const browser = new Browser();
    const done = await login(browser, base, 'pro', { account: pharmacist.rpps });
    assert.equal(done.response.status, 403);
    assert.match(await done.response.text(), /ACR_TOO_LOW/);
    const last = (await auditRecords(store)).at(-1);
    assert.deepEqual(
      [last?.result, last?.reason, last?.actor_id],
      ['failure', 'ACR_TOO_LOW', pharmacist.rpps],
    );
  });
});
