import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { Browser, formAction } from './browser.ts';
import { startServer, tempDir, withDemo } from './test-server.ts';

/** Logins write logs (requests, refusals) but no matricule, RPPS, name, cookie or token. */
test('a login flow logs no personal data and no secret', async () => {
  const store = await openTestStore();
  const data = tempDir();
  let log = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  const patient = DEMO_ACCOUNTS.patients[0];
  const pharmacist = DEMO_ACCOUNTS.professionals[1];
  assert.ok(patient && pharmacist);
  await withDemo(store, { now: () => new Date() });
  const server = await startServer({ store, dataDir: data.dir, log: stream, logLevel: 'trace' });
  const secrets: string[] = [];
  try {
    for (const [segment, account] of [
      ['patient', patient.matricule],
      ['pro', pharmacist.rpps],
    ] as const) {
      const browser = new Browser();
      const page = await browser.follow(`${server.base}/auth/${segment}/login`);
      secrets.push(browser.cookie('officine_login') ?? 'missing');
      const html = await page.response.text();
      // A typo first (a refusal on the form), then the account.
      await browser.submit(formAction(html, '/login', page.url), { identifier: `${account.slice(0, -1)}0` });
      const done = await browser.submit(formAction(html, '/login', page.url), { identifier: account });
      assert.equal(done.url.pathname, segment === 'patient' ? '/patient/' : '/pharmacie/');
      const session = browser.cookie('officine_session') ?? 'missing';
      secrets.push(session, ...done.hops.map((h) => new URL(h.url).searchParams.get('code') ?? 'missing'));
      const me = (await (await browser.fetch(`${server.base}/api/me`)).json()) as { csrfToken: string };
      secrets.push(me.csrfToken);
      // A refused cross-site request, then a logout.
      await browser.fetch(`${server.base}/auth/logout`, {
        method: 'POST',
        headers: { origin: 'https://evil.example' },
      });
      await browser.fetch(`${server.base}/auth/logout`, {
        method: 'POST',
        headers: { origin: server.base, 'x-csrf-token': me.csrfToken },
      });
      // A replayed callback (a refusal after the identity provider).
      const callback = done.hops.find((h) => h.url.includes('/callback'));
      if (callback) await browser.fetch(callback.url);
    }
  } finally {
    await server.close();
    await store.dispose();
    data.remove();
  }

  assert.ok(log.split('\n').length > 20, 'the flow did log');
  assert.match(log, /login refused/, 'refusals are logged (by reason code)');
  const personal = [
    patient.matricule,
    pharmacist.rpps,
    `8${pharmacist.rpps}`,
    ...patient.name.split(' '),
    ...pharmacist.name.split(' '),
  ];
  for (const value of [...personal, ...secrets.filter((s) => s !== 'missing')]) {
    assert.ok(!log.includes(value), `the log holds "${value.slice(0, 4)}…"`);
  }
});
