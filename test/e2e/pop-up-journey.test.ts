import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { tempDir } from '../auth/test-server.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { openTestStore, type TestStore, testEngine } from '../helpers/test-store.ts';
import { recordAlerts, recordedAlerts } from './harness/alert-recorder.ts';
import { seriousViolations } from './harness/axe.ts';
import { launchChromium, watchConsole } from './harness/chromium.ts';
import { type CuttableProxy, startCuttableProxy } from './harness/cuttable-proxy.ts';
import { screenshotsFor } from './harness/screenshots.ts';

/**
 * The whole chain as its users see it, in Debian's Chromium: a patient on her phone writes to her
 * pharmacy with a photo and an e-prescription; three counter workstations of that pharmacy — one
 * on a second server process, one whose network drops during the send — all show the pop-up;
 * one pharmacist claims it and the alert clears elsewhere; she sets "prête", replies and closes;
 * the patient sees it all and can no longer reply. Two server processes share one PostgreSQL
 * database, so this runs in the PostgreSQL pass. Screenshots: test/e2e/screenshots/pop-up-journey/.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const [claire, thomas, julie] = DEMO_ACCOUNTS.professionals;
if (!camille || !claire || !thomas || !julie) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
const PHONE = { width: 390, height: 844 };
const COUNTER = { width: 1366, height: 768 };

const onPostgres = testEngine === 'postgres';

describe('the pop-up journey, in Chromium', {
  skip: !onPostgres && 'runs in the PostgreSQL pass (two server processes share the database)',
}, () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let a: ServerProcess;
  let b: ServerProcess;
  let proxy: CuttableProxy;
  let browser: Browser;
  const consoles: { name: string; problems: string[] }[] = [];
  /** Every origin the browsers asked something of: the two servers only, never a third party. */
  const origins = new Set<string>();
  const shots = screenshotsFor('pop-up-journey');

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    const env = {
      DATABASE_URL: store.url ?? '',
      DATA_DIR: data.dir,
      AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      AUDIT_CHAIN_KEY: randomBytes(32).toString('base64'),
      BLOB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    // A loads the demo data, then B joins the same database and attachment store.
    a = await startServerProcess({ ...env, DEMO_DATA: 'auto' });
    b = await startServerProcess({ ...env, DEMO_DATA: 'off' });
    proxy = await startCuttableProxy();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await b?.stop();
    await a?.stop();
    await store?.dispose();
    data?.remove();
  });

  async function open(
    name: string,
    base: string,
    viewport: { width: number; height: number },
    options: Parameters<Browser['newContext']>[0] = {},
  ) {
    const context = await browser.newContext({
      viewport,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      ...options,
    });
    const page = await context.newPage();
    // The workstation behind the cuttable proxy logs the loads the cut broke, and only those.
    consoles.push({ name, ...watchConsole(page, { networkMayFail: options.proxy !== undefined }) });
    context.on('request', (request) => origins.add(new URL(request.url()).origin));
    return { context, page, base };
  }

  /** Through the app's own login: the bundled identity provider's page, by typed identifier. */
  async function signIn(page: Page, url: string, identifier: string) {
    await page.goto(url);
    await page.locator('#identifier').fill(identifier);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(url);
  }

  async function assertAccessible(page: Page, what: string) {
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], `${what}: serious or critical accessibility violations`);
  }

  async function liveStream(page: Page) {
    await page.locator('[data-testid="stream-state"][data-state="live"]').waitFor({ timeout: 15_000 });
  }

  it('goes from a phone photo to a closed conversation, with the pop-up on every workstation', async () => {
    // The patient, on her phone (process A).
    const patient = await open('patient', a.base, PHONE, { isMobile: true, hasTouch: true });
    await signIn(patient.page, `${a.base}/patient/`, camille.matricule);
    await patient.page.getByTestId('secure-address').waitFor();
    assert.match(
      (await patient.page.getByTestId('secure-address').textContent()) ?? '',
      new RegExp(`${camille.matricule}@patient\\.mssante\\.fr`),
    );
    await shots.take(patient.page, 'patient-home', { fullPage: true });
    await assertAccessible(patient.page, 'patient home');

    // Three workstations of the pharmacy: A, B, and B behind a network that will drop.
    const ws1 = await open('workstation 1 (A)', a.base, COUNTER, { permissions: ['notifications'] });
    await recordAlerts(ws1.context);
    const ws2 = await open('workstation 2 (B)', b.base, COUNTER);
    const ws3 = await open('workstation 3 (B, flaky network)', b.base, COUNTER, {
      proxy: { server: proxy.url, bypass: '<-loopback>' },
    });
    for (const [ws, who] of [
      [ws1, claire],
      [ws2, julie],
      [ws3, thomas],
    ] as const) {
      await signIn(ws.page, `${ws.base}/pharmacie/`, who.rpps);
      await liveStream(ws.page);
    }
    // Claire turns the sound on (browsers need a gesture) and, if asked, desktop notifications.
    // Any click arms the sound (the « Activer le son » button goes away with the first gesture).
    await ws1.page.getByTestId('pharmacy-name').click();
    await ws1.page.getByRole('button', { name: 'Activer le son' }).waitFor({ state: 'detached' });
    const enableNotifications = ws1.page.getByTestId('enable-notifications');
    if (await enableNotifications.isVisible()) await enableNotifications.click();
    await shots.take(ws1.page, 'counter-inbox-before');
    await assertAccessible(ws1.page, 'counter inbox');

    // Writing: one pharmacy is refused, with the reason.
    await patient.page
      .getByRole('link', { name: /Écrire à ma pharmacie/ })
      .first()
      .click();
    const refused = patient.page.locator('[data-testid^="pharmacy-"][data-eligible="false"]').first();
    await refused.waitFor();
    const refusedFiness = (await refused.getAttribute('data-testid'))?.replace('pharmacy-', '') ?? '';
    assert.ok(
      ((await patient.page.getByTestId(`refusal-${refusedFiness}`).textContent()) ?? '').length > 10,
      'the refusal is explained',
    );
    assert.equal(
      await patient.page.getByTestId(`write-${refusedFiness}`).count(),
      0,
      'no way to write there',
    );
    await shots.take(patient.page, 'patient-pharmacies', { fullPage: true });
    await assertAccessible(patient.page, 'patient pharmacy list');

    // The composer: a photo from the phone camera and an e-prescription from "Mes documents".
    await patient.page.getByTestId(`write-${FINESS}`).click();
    await patient.page.getByTestId('composer-subject').fill('Renouvellement');
    await patient.page
      .getByTestId('composer-text')
      .fill('Bonjour, voici mon ordonnance. Je passe demain matin.');
    const photo = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: { r: 235, g: 230, b: 220 } },
    })
      .jpeg()
      .toBuffer();
    await patient.page
      .getByTestId('composer-camera')
      .setInputFiles({ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
    await patient.page.locator('[data-testid^="document-"]').first().check();
    await shots.take(patient.page, 'patient-composer', { fullPage: true });
    await assertAccessible(patient.page, 'patient composer');

    // The network of workstation 3 drops before the send.
    proxy.cut();
    await ws3.page.locator('[data-testid="stream-state"]:not([data-state="live"])').waitFor();

    const accepted = patient.page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/patient/conversations',
    );
    const sentAt = Date.now();
    await patient.page.getByTestId('composer-send').click();
    assert.equal((await accepted).status(), 201);
    const acceptedAt = Date.now();
    const popups = [ws1, ws2].map(async (ws) => {
      const item = ws.page.locator('[data-testid^="popup-item-"]').first();
      await item.waitFor({ timeout: 10_000 });
      return {
        elapsed: Date.now() - sentAt,
        afterAccepted: Date.now() - acceptedAt,
        text: (await item.textContent()) ?? '',
        id: (await item.getAttribute('data-testid'))?.replace('popup-item-', '') ?? '',
      };
    });
    const [on1, on2] = await Promise.all(popups);
    assert.ok(on1 && on2);
    console.log(
      `send → pop-up: ${on1.elapsed} ms on process A, ${on2.elapsed} ms on process B from the click ` +
        `(upload and attachment checks included); ${on1.afterAccepted} / ${on2.afterAccepted} ms ` +
        'after the patient saw the server accept it',
    );
    const alerts = await recordedAlerts(ws1.page);
    assert.ok(alerts.beeps > 0, 'the pop-up beeps');
    assert.ok(
      alerts.notifications.some((n) => /Camille Martin/.test(n)),
      `a desktop notification names the patient: ${JSON.stringify(alerts.notifications)}`,
    );
    for (const popup of [on1, on2]) {
      assert.match(popup.text, /Camille Martin/);
      assert.match(popup.text, /Ordonnance numérique/);
      assert.match(popup.text, /1 photo/);
    }
    assert.equal(on1.id, on2.id);
    const conversationId = on1.id;
    assert.match(await ws1.page.title(), /^\(\d+\)/, 'the unread count is in the tab title');
    await shots.take(ws1.page, 'counter-popup-A');
    await shots.take(ws2.page, 'counter-popup-B');
    await shots.take(patient.page, 'patient-sent', { fullPage: true });

    // Workstation 3 comes back: the missed event is replayed, the pop-up shows.
    proxy.restore();
    await ws3.page.getByTestId(`popup-item-${conversationId}`).waitFor({ timeout: 20_000 });
    await liveStream(ws3.page);
    await shots.take(ws3.page, 'counter-popup-after-reconnect');

    // Claire opens and claims it: the alert clears on the other workstations.
    await ws1.page.getByTestId(`popup-item-${conversationId}`).click();
    await ws1.page.getByTestId('claim').click();
    for (const ws of [ws2, ws3]) {
      await ws.page
        .getByTestId(`popup-item-${conversationId}`)
        .waitFor({ state: 'detached', timeout: 10_000 });
    }
    await ws1.page.getByTestId('eprescription-number').first().waitFor();
    await ws1.page.getByTestId('photo-viewer').first().waitFor();
    await shots.take(ws1.page, 'counter-conversation');
    await assertAccessible(ws1.page, 'counter conversation');

    // "Prête", a reply from a template, then close.
    await ws1.page.getByTestId('status-ready').click();
    await ws1.page.getByTestId('reply-template').selectOption({ label: 'Votre commande est prête' });
    assert.match(await ws1.page.getByTestId('reply-text').inputValue(), /prête/);
    await ws1.page.getByTestId('reply-send').click();
    await ws1.page.locator('[data-testid="message"][data-author="professional"]').first().waitFor();
    await shots.take(ws1.page, 'counter-replied');

    // The patient sees the status and the reply, live.
    await patient.page.goto(`${a.base}/patient/#/conversations/${conversationId}`);
    await patient.page
      .getByTestId('conversation-status')
      .filter({ hasText: 'Prête' })
      .waitFor({ timeout: 10_000 });
    await patient.page
      .locator('[data-testid="message"][data-author="professional"]')
      .first()
      .waitFor({ timeout: 10_000 });
    await patient.page.getByTestId('reply-text').waitFor();
    await shots.take(patient.page, 'patient-reply-received', { fullPage: true });
    await assertAccessible(patient.page, 'patient conversation');

    await ws1.page.getByTestId('close-conversation').click();
    const confirm = ws1.page.getByTestId('close-confirm');
    if (await confirm.count()) await confirm.click();
    await patient.page.getByTestId('conversation-closed').waitFor({ timeout: 10_000 });
    assert.equal(await patient.page.getByTestId('reply-text').count(), 0, 'no reply box once closed');
    await shots.take(patient.page, 'patient-closed', { fullPage: true });
    await shots.take(ws1.page, 'counter-closed');

    for (const { name, problems } of consoles) assert.deepEqual(problems, [], `${name}: console errors`);
    assert.deepEqual([...origins].sort(), [a.base, b.base].sort(), 'no request leaves the two servers');
    for (const ws of [patient, ws1, ws2, ws3]) await (ws.context as BrowserContext).close();
  });
});
