import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MembershipRole } from '../../src/db/schema.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { rppsFrom } from '../helpers/identifiers.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Browser } from './browser.ts';
import { apiCaller, login, me } from './login.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from './test-server.ts';

/**
 * Authority is read now (design note §3.7): a session says who a professional is; whether they
 * are a titulaire of a pharmacy is read from the directory at each decision. A titulaire demoted
 * or removed by a directory import loses the management of the pharmacy's software credentials
 * at once, in the session they already had.
 */
const claire = DEMO_ACCOUNTS.professionals.find((p) => p.role === 'titulaire');
if (!claire) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
/** A second titulaire of the same pharmacy (co-titulaires), who stays. */
const PARTNER = rppsFrom('1999999970');

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field by the assertions
type Json = Record<string, any>;

describe('authority read now', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  /** The token Claire created while she was titulaire. */
  let softwareToken = '';
  const asSoftware = (path: string) =>
    fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${softwareToken}` } });

  const signIn = async (rpps: string) => {
    const browser = new Browser();
    await login(browser, server.base, 'pro', { account: rpps });
    const csrf = String((await me(browser, server.base)).body.csrfToken);
    const call = apiCaller(
      browser,
      () => server.base,
      () => csrf,
    );
    return async (method: string, path: string, body?: unknown) => {
      const response = await call(method, path, body);
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
    };
  };
  /** What a directory import does: upsert the professional's role at the pharmacy. */
  const setRole = (rpps: string, role: MembershipRole, [givenName, familyName] = ['Paul', 'Associé']) =>
    server.app.directory.saveProfessional(
      { rpps, familyName, givenName, finess: FINESS, role },
      new Date().toISOString(),
    );
  const removeMembership = (rpps: string) =>
    store.db
      .deleteFrom('memberships')
      .where('rpps', '=', rpps)
      .where('pharmacy_finess', '=', FINESS)
      .execute();

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir });
    await setRole(PARTNER, 'titulaire');
  });
  after(async () => {
    await server.close();
    await store.dispose();
    data.remove();
  });

  it('a titulaire demoted, then removed, loses the credentials in the session they had', async () => {
    const asClaire = await signIn(claire.rpps);
    const credentials = `/api/pharmacies/${FINESS}/credentials`;
    const created = await asClaire('POST', credentials, { name: 'LGO du comptoir' });
    assert.equal(created.status, 201);

    await setRole(claire.rpps, 'adjoint', claire.name.split(' ') as [string, string]);
    for (const [method, path, body] of [
      ['POST', credentials, { name: 'Mon LGO à moi' }],
      ['GET', credentials, undefined],
      ['DELETE', `${credentials}/${created.json.credential.id}`, undefined],
    ] as const) {
      const refused = await asClaire(method, path, body);
      assert.equal(refused.status, 403, `${method} ${path} once demoted`);
      assert.equal(refused.json.error.code, 'FORBIDDEN');
    }
    const demoted = await asClaire('GET', '/api/me');
    assert.deepEqual(
      demoted.json.memberships.map((m: Json) => [m.finess, m.role]),
      [[FINESS, 'adjoint']],
      '/api/me says what the directory says now',
    );

    await removeMembership(claire.rpps);
    assert.equal((await asClaire('POST', credentials, { name: 'Encore' })).status, 403);
    assert.deepEqual((await asClaire('GET', '/api/me')).json.memberships, []);

    softwareToken = created.json.token;
    const denied = (await auditRecords(store)).filter(
      (r) => r.action === 'credential.create' && r.result === 'denied' && r.actor_id === claire.rpps,
    );
    assert.equal(denied.length, 2, 'each refusal is audited');
  });

  it('her credential is suspended; the remaining titulaire sees why, and confirms or revokes it', async () => {
    const inbox = `/api/pharmacies/${FINESS}/conversations`;
    const suspended = await asSoftware(inbox);
    assert.equal(suspended.status, 403);
    const refusal = (await suspended.json()) as Json;
    assert.equal(refusal.error.code, 'CREDENTIAL_SUSPENDED');
    assert.equal(refusal.error.details.reason, 'RESPONSIBLE_NOT_TITULAIRE');
    assert.match(refusal.error.message, /titulaire actuel/);

    const asPartner = await signIn(PARTNER);
    const credentials = `/api/pharmacies/${FINESS}/credentials`;
    const listed = (await asPartner('GET', credentials)).json.credentials as Json[];
    const hers = listed.find((c) => c.creator.rpps === claire.rpps);
    assert.deepEqual(
      [hers?.status, hers?.suspension, hers?.creator.role, hers?.creator.name, hers?.confirmedBy],
      ['suspended', 'RESPONSIBLE_NOT_TITULAIRE', null, claire.name, null],
      'her credential, as created by someone who is no longer a member here',
    );

    const confirmed = await asPartner('POST', `${credentials}/${hers?.id}/confirm`);
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.json.credential.status, 'active');
    assert.deepEqual(
      [confirmed.json.credential.confirmedBy.rpps, confirmed.json.credential.confirmedBy.role],
      [PARTNER, 'titulaire'],
    );
    assert.equal((await asSoftware(inbox)).status, 200, 'the pharmacy software works again');

    // The partner in turn stops being titulaire: the credential waits for the next one.
    await setRole(PARTNER, 'adjoint');
    assert.equal((await asSoftware(inbox)).status, 403);
    await setRole(PARTNER, 'titulaire');
    assert.equal((await asSoftware(inbox)).status, 200);

    assert.equal((await asPartner('DELETE', `${credentials}/${hers?.id}`)).status, 204);
    assert.equal((await asSoftware(inbox)).status, 401);
    const actions = (await auditRecords(store)).map((r) => `${r.action}:${r.result}:${r.reason ?? ''}`);
    for (const expected of ['auth.refused:denied:CREDENTIAL_SUSPENDED', 'credential.confirm:success:']) {
      assert.ok(actions.includes(expected), expected);
    }
  });
});
