import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser } from './browser.ts';
import { login, me } from './login.ts';
import { startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/**
 * Signed in, but as the other population: a patient on a team route, a professional or pharmacy
 * software on a patient route. That is 403 FORBIDDEN (with a French message), never 401
 * AUTH_REQUIRED ("sign in", which they did) — on every kind of route and on the event streams.
 */
const patient = DEMO_ACCOUNTS.patients[0];
const titulaire = DEMO_ACCOUNTS.professionals.find(
  (p) => p.role === 'titulaire' && p.finess === DEMO_PHARMACY.finess,
);
if (!patient || !titulaire) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;

const TEAM_ROUTES: [string, string][] = [
  ['GET', `/api/pharmacies/${FINESS}/conversations`],
  ['GET', `/api/pharmacies/${FINESS}/templates`],
  ['GET', `/api/pharmacies/${FINESS}/credentials`],
  ['POST', `/api/pharmacies/${FINESS}/credentials`],
  ['GET', `/api/pharmacies/${FINESS}/events`],
];
const PATIENT_ROUTES: [string, string][] = [
  ['GET', '/api/patient/pharmacies'],
  ['GET', '/api/patient/conversations'],
  ['POST', '/api/patient/conversations'],
  ['GET', '/api/patient/documents'],
  ['GET', '/api/patient/events'],
];

describe('the other population', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  const asPatient = new Browser();
  const asPharmacist = new Browser();
  const csrf = new Map<Browser, string>();
  let softwareToken = '';

  /** As a browser, as pharmacy software (`'software'`), or anonymously (null). */
  const call = (browser: Browser | 'software' | null, method: string, path: string) => {
    const headers: Record<string, string> = { origin: server.base };
    if (browser instanceof Browser) headers['x-csrf-token'] = csrf.get(browser) ?? '';
    else if (browser === 'software') headers.authorization = `Bearer ${softwareToken}`;
    const init: RequestInit = { method, headers };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify({ name: 'x', finess: FINESS, subject: 'x', text: 'x' });
    }
    return browser instanceof Browser
      ? browser.fetch(`${server.base}${path}`, init)
      : fetch(`${server.base}${path}`, init);
  };

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir });
    await login(asPatient, server.base, 'patient', { account: patient.matricule });
    await login(asPharmacist, server.base, 'pro', { account: titulaire.rpps });
    for (const browser of [asPatient, asPharmacist]) {
      csrf.set(browser, String((await me(browser, server.base)).body.csrfToken));
    }
    const created = await call(asPharmacist, 'POST', `/api/pharmacies/${FINESS}/credentials`);
    assert.equal(created.status, 201);
    softwareToken = ((await created.json()) as { token: string }).token;
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  const assertForbidden = async (response: Response, what: string) => {
    assert.equal(response.status, 403, what);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'FORBIDDEN', what);
    assert.match(body.error.message, /réservé/i, what);
  };

  it('a patient on team routes and the pharmacy stream: 403 FORBIDDEN', async () => {
    for (const [method, path] of TEAM_ROUTES) {
      await assertForbidden(await call(asPatient, method, path), `${method} ${path}`);
    }
  });

  it('a professional on patient routes and the patient stream: 403 FORBIDDEN', async () => {
    for (const [method, path] of PATIENT_ROUTES) {
      await assertForbidden(await call(asPharmacist, method, path), `${method} ${path}`);
    }
  });

  it('pharmacy software on patient routes and on session-only team routes: 403 FORBIDDEN', async () => {
    for (const [method, path] of [
      ...PATIENT_ROUTES,
      ['GET', `/api/pharmacies/${FINESS}/credentials`],
      ['GET', `/api/pharmacies/${FINESS}/events`],
    ] as [string, string][]) {
      await assertForbidden(await call('software', method, path), `${method} ${path}`);
    }
  });

  it('nobody signed in: still 401 AUTH_REQUIRED', async () => {
    for (const [method, path] of [...TEAM_ROUTES, ...PATIENT_ROUTES]) {
      const response = await call(null, method, path);
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'AUTH_REQUIRED');
    }
  });
});
