import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { DEFAULT_LIMITS } from '../../src/attachments/limits.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { tempDir } from '../auth/test-server.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { recordAlerts, recordedAlerts } from './harness/alert-recorder.ts';
import { seriousViolations } from './harness/axe.ts';
import { launchChromium, watchConsole } from './harness/chromium.ts';
import {
  canvasInk,
  canvasInkExpression,
  focusedElement,
  horizontalFit,
  waitInPage,
} from './harness/page-state.ts';
import { screenshotsFor } from './harness/screenshots.ts';

/**
 * What the embedded default — SQLite, one server process, `npm start` as is — looks like to its
 * users, beyond the pop-up journey (which runs in the PostgreSQL pass): the patient's composer
 * refusing, before anything is sent, what the server would refuse; the patient's space on a small
 * phone and from the keyboard; the counter's shortcuts, photo and PDF viewers and e-prescription
 * copy; an unacknowledged alert ringing again under a controlled clock. This file never opens a
 * test store, so it runs once, on SQLite. Screenshots: test/e2e/screenshots/embedded-default/.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const [claire, thomas] = DEMO_ACCOUNTS.professionals;
if (!camille || !claire || !thomas) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
const PHONE = { width: 375, height: 812 };
const COUNTER = { width: 1366, height: 768 };
const CONVERSATIONS = '/api/patient/conversations';

/**
 * The next Tuesday at 10:00 in Paris — inside the demo pharmacy's hours (Lun–Sam 9h00–20h00) —
 * for the counter whose clock the test drives. Ahead of the real time, so what the server dated
 * looks like the past.
 */
function nextTuesdayTenInParis(): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const now = Date.now();
  for (let day = 0; day <= 7; day += 1) {
    const date = new Date(now + day * 86_400_000);
    for (const utcHour of [8, 9]) {
      const at = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), utcHour);
      const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
      if (at > now && p.weekday === 'Tue' && p.hour === '10' && p.minute === '00') return at;
    }
  }
  throw new Error('no Tuesday in the coming week');
}

async function photoJpeg(): Promise<Buffer> {
  return sharp({
    create: { width: 1200, height: 1600, channels: 3, background: { r: 240, g: 236, b: 226 } },
  })
    .composite([
      {
        input: await sharp({
          create: { width: 800, height: 120, channels: 3, background: { r: 30, g: 30, b: 40 } },
        })
          .png()
          .toBuffer(),
        top: 200,
        left: 200,
      },
    ])
    .jpeg()
    .toBuffer();
}

async function prescriptionPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawRectangle({ x: 60, y: 640, width: 475, height: 140, color: rgb(0.08, 0.08, 0.15) });
  page.drawText('Ordonnance - Dr Durand, medecin generaliste', { x: 60, y: 600, size: 18, font });
  page.drawText('Amoxicilline 1 g : 1 comprime matin et soir pendant 6 jours', {
    x: 60,
    y: 560,
    size: 12,
    font,
  });
  return Buffer.from(await pdf.save());
}

describe('the embedded default (SQLite, one process), in Chromium', () => {
  let data: ReturnType<typeof tempDir>;
  let server: ServerProcess;
  let browser: Browser;
  const shots = screenshotsFor('embedded-default');
  const consoles: { name: string; problems: string[] }[] = [];

  // Shared along the file: the patient's phone, and the conversation she sends from the composer.
  let patient: { context: BrowserContext; page: Page };
  let composed = '';

  before(async () => {
    data = tempDir();
    server = await startServerProcess({
      DATA_DIR: data.dir,
      DEMO_DATA: 'auto',
      LOGIN_RATE_LIMIT_IP: '1000',
      LOGIN_RATE_LIMIT_ACCOUNT: '1000',
      QUOTA_MESSAGES_PER_MINUTE: '100',
      QUOTA_CONVERSATIONS_PER_DAY: '100',
      REALERT_MINUTES: '10',
    });
    browser = await launchChromium();
    patient = await open('patient (phone)', PHONE, { isMobile: true, hasTouch: true });
    await signIn(patient.page, '/patient/', camille.matricule);
    await patient.page.getByTestId('secure-address').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    data?.remove();
  });

  async function open(
    name: string,
    viewport: { width: number; height: number },
    options: Parameters<Browser['newContext']>[0] = {},
  ) {
    const context = await browser.newContext({
      viewport,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      ...options,
    });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    consoles.push({ name, ...watchConsole(page) });
    return { context, page };
  }

  /** Through the app's own login: the bundled identity provider's page, by typed identifier. */
  async function signIn(page: Page, path: string, identifier: string) {
    const url = `${server.base}${path}`;
    await page.goto(url);
    await page.locator('#identifier').fill(identifier);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(url);
  }

  async function assertAccessible(page: Page, what: string) {
    assert.deepEqual(
      await seriousViolations(page),
      [],
      `${what}: serious or critical accessibility violations`,
    );
  }

  async function assertNoSideScroll(page: Page, what: string) {
    const fit = await horizontalFit(page);
    assert.ok(
      fit.scrollWidth <= fit.clientWidth,
      `${what} scrolls sideways: ${fit.scrollWidth} > ${fit.clientWidth} px (${fit.culprits.join(', ')})`,
    );
  }

  function assertQuietConsoles() {
    for (const { name, problems } of consoles) assert.deepEqual(problems, [], `${name}: console errors`);
  }

  /** A new conversation through the API, from the patient's browser context (same cookies). */
  async function sendAsPatient(subject: string): Promise<string> {
    const request = patient.context.request;
    const me = (await (await request.get(`${server.base}/api/me`)).json()) as { csrfToken: string };
    const documents = (await (await request.get(`${server.base}/api/patient/documents`)).json()) as {
      documents: { id: string; kind: string }[];
    };
    const eprescription = documents.documents.find((d) => d.kind === 'eprescription');
    assert.ok(eprescription, 'the demo patient has an e-prescription');
    const response = await request.post(`${server.base}${CONVERSATIONS}`, {
      headers: { origin: server.base, 'x-csrf-token': me.csrfToken },
      data: {
        finess: FINESS,
        subject,
        text: 'Bonjour, je passe dans la journée.',
        documentIds: [eprescription.id],
      },
    });
    assert.equal(response.status(), 201, await response.text());
    return ((await response.json()) as { conversation: { id: string } }).conversation.id;
  }

  async function liveStream(page: Page) {
    await page.locator('[data-testid="stream-state"][data-state="live"]').waitFor({ timeout: 15_000 });
  }

  it('fits a 375 px phone, and the keyboard starts at the skip link', async () => {
    const { page } = patient;
    // From the top of a fresh page: the first Tab is the skip link, which moves to the content.
    await page.reload();
    await page.getByTestId('secure-address').waitFor();
    await page.keyboard.press('Tab');
    const first = await focusedElement(page);
    assert.deepEqual(
      [first.tag, first.text],
      ['a', 'Aller au contenu'],
      'the first Tab stop is the skip link',
    );
    await shots.take(page, 'patient-skip-link');
    await page.keyboard.press('Enter');
    assert.equal((await focusedElement(page)).id, 'contenu', 'the skip link moves the focus to the content');
    await assertNoSideScroll(page, 'patient home');
    await shots.take(page, 'patient-home', { fullPage: true });

    await page.getByRole('link', { name: 'Écrire à ma pharmacie' }).first().click();
    await page.getByTestId(`write-${FINESS}`).waitFor();
    await page.locator('[data-testid^="pharmacy-"][data-eligible="false"]').first().waitFor();
    await assertNoSideScroll(page, 'patient pharmacy list');
    await assertAccessible(page, 'patient pharmacy list (phone)');
    await shots.take(page, 'patient-pharmacies', { fullPage: true });

    await page.getByTestId(`write-${FINESS}`).click();
    await page.getByTestId('composer-send').waitFor();
    await page.locator('[data-testid^="document-"]').first().waitFor();
    await assertNoSideScroll(page, 'patient composer');
    assertQuietConsoles();
  });

  it('refuses in French, before sending, what the server would refuse; sends once fixed', async () => {
    const { page } = patient;
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === CONVERSATIONS)
        posts.push(request.url());
    });
    const pickError = page.locator('#composer-files-error');
    const sendError = page.getByTestId('composer-error');
    const picked = page.getByTestId('picked-file');
    const files = page.getByTestId('composer-files');
    await page.getByTestId('composer-subject').fill('Ordonnance du Dr Durand');
    await page.getByTestId('composer-text').fill('Bonjour, voici mon ordonnance. Je passe ce soir.');

    // Nothing attached.
    await page.getByTestId('composer-send').click();
    await sendError.filter({ hasText: 'Joignez au moins une ordonnance' }).waitFor();
    assert.equal(await sendError.getAttribute('role'), 'alert');

    // A file over the size limit (the server's default: this server does not set ATTACHMENT_MAX_FILE_MB).
    await files.setInputFiles({
      name: 'scan-ordonnance.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(DEFAULT_LIMITS.maxFileBytes)]),
    });
    await pickError
      .filter({ hasText: /« scan-ordonnance\.pdf » est trop volumineux .* au maximum par fichier/ })
      .waitFor();
    assert.equal(await pickError.getAttribute('role'), 'alert');
    assert.equal(await picked.count(), 0, 'the big file is not added');
    await shots.take(page, 'composer-too-big', { fullPage: true });

    // Types the server does not take: a text file, a Word document.
    await files.setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Doliprane 1000') },
      {
        name: 'ordonnance.docx',
        mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        buffer: Buffer.from('PK\u0003\u0004 pas vraiment un document'),
      },
    ]);
    await pickError.filter({ hasText: '« notes.txt » n’est pas d’un type accepté' }).waitFor();
    await pickError.filter({ hasText: '« ordonnance.docx » n’est pas d’un type accepté' }).waitFor();
    assert.match((await pickError.textContent()) ?? '', /photos \(JPEG, PNG, HEIC\) et documents PDF/);
    assert.equal(await picked.count(), 0, 'refused types are not added');
    await shots.take(page, 'composer-wrong-types', { fullPage: true });

    // Too many: six files at once (five are kept), then an e-prescription on top makes six.
    const jpeg = await photoJpeg();
    const pdf = await prescriptionPdf();
    await files.setInputFiles([
      { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: jpeg },
      { name: 'ordonnance-durand.pdf', mimeType: 'application/pdf', buffer: pdf },
      ...[1, 2, 3, 4].map((n) => ({ name: `IMG_205${n}.jpg`, mimeType: 'image/jpeg', buffer: jpeg })),
    ]);
    await pickError.filter({ hasText: 'seuls les 5 premiers fichiers ont été ajoutés' }).waitFor();
    assert.equal(await picked.count(), 5);
    await page.locator('[data-testid^="document-"]').first().check();
    await page.getByTestId('composer-send').click();
    await sendError
      .filter({ hasText: 'Vous avez joint 6 pièces : 5 au maximum par message. Retirez-en 1.' })
      .waitFor();
    await shots.take(page, 'composer-too-many', { fullPage: true });
    assert.deepEqual(posts, [], 'nothing was sent while the composer refused');

    // Fixed: the photo, the PDF and the e-prescription.
    for (const n of [1, 2, 3]) await page.getByRole('button', { name: `Retirer IMG_205${n}.jpg` }).click();
    assert.equal(await picked.count(), 2);
    await sendError.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('attachment-count').textContent(), '3 sur 5 pièces jointes.');
    await assertNoSideScroll(page, 'patient composer with files');
    await shots.take(page, 'composer-fixed', { fullPage: true });
    const accepted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === CONVERSATIONS,
    );
    await page.getByTestId('composer-send').click();
    assert.equal((await accepted).status(), 201);
    assert.equal(posts.length, 1);
    await page.waitForURL(/#\/conversations\/[\w-]+$/);
    composed = new URL(page.url()).hash.replace('#/conversations/', '');
    await page.getByTestId('attachment').nth(2).waitFor();
    await assertNoSideScroll(page, 'patient conversation');
    await shots.take(page, 'patient-conversation', { fullPage: true });
    assertQuietConsoles();
  });

  it('runs the counter from the keyboard, with the photo and PDF viewers and the copy button', async () => {
    assert.ok(composed, 'the composer sent a conversation');
    // A second, newer conversation, so that j / k have somewhere to go.
    const newer = await sendAsPatient('Renouvellement');
    const counter = await open('counter (Claire)', COUNTER, {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const { page } = counter;
    await signIn(page, '/pharmacie/', claire.rpps);
    await liveStream(page);

    // Tabs by digit (1 = Nouveaux … 7 = Tous); each shows its own listing once it has answered.
    await page.getByTestId(`row-${newer}`).waitFor();
    for (const [key, filter] of [
      ['1', 'new'],
      ['2', 'unread'],
      ['7', 'all'],
    ] as const) {
      const listed = page.waitForResponse((r) => r.url().includes(`/conversations?filter=${filter}&`));
      await page.keyboard.press(key);
      await page.locator(`[data-testid="filter-${filter}"][aria-pressed="true"]`).waitFor();
      await listed;
      await page.getByTestId(`row-${composed}`).waitFor();
      await page.getByTestId(`row-${newer}`).waitFor();
    }
    await assertNoSideScroll(page, 'counter inbox');
    await shots.take(page, 'counter-inbox');

    // j / k move through the rows (newest first), Enter opens the chosen one.
    const focusedRow = () =>
      page.evaluate(`document.activeElement?.closest('tr')?.dataset.testid ?? null`) as Promise<
        string | null
      >;
    await page.keyboard.press('j');
    assert.equal(await focusedRow(), `row-${newer}`);
    await page.keyboard.press('j');
    assert.equal(await focusedRow(), `row-${composed}`);
    await page.keyboard.press('k');
    assert.equal(await focusedRow(), `row-${newer}`);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/pharmacie/#/conversations/${composed}`);
    await page.locator('h1.conv-name', { hasText: 'Camille Martin' }).waitFor();

    // m: « Je m'en occupe ».
    await page.getByTestId('claim').waitFor();
    await page.keyboard.press('m');
    await page.locator('.conv-claimed--mine', { hasText: 'Vous vous en occupez' }).waitFor();

    // The PDF viewer draws the page: a canvas with a size, and ink on it. (First: once the PDFs
    // are drawn, the documents column keeps its layout, and the photo's "fit" its value.)
    const pageOne = 'canvas[aria-label^="ordonnance-durand.pdf, page 1 sur 1"]';
    await page.locator(pageOne).scrollIntoViewIfNeeded();
    await waitInPage(page, `${canvasInkExpression(pageOne)}.ink > 0`);
    const ink = await canvasInk(page, pageOne);
    assert.ok(ink.width > 0 && ink.height > 0, `the PDF page is drawn: ${JSON.stringify(ink)}`);
    assert.ok(
      (await page.locator(pageOne).locator('xpath=ancestor::*[@data-testid="pdf-viewer"]').count()) === 1,
      'inside the PDF viewer',
    );
    await shots.take(page, 'counter-pdf');

    // The photo viewer: zoom in, fit, rotate, with the buttons and the keys.
    const photo = page.getByTestId('photo-viewer');
    const image = photo.locator('img.viewer-img[style*="rotate(0deg)"]');
    await image.waitFor();
    const zoomText = photo.locator('.viewer-zoom');
    const fitted = (await zoomText.textContent()) ?? '';
    assert.match(fitted, /^\d+ %$/);
    await photo.getByRole('button', { name: 'Zoomer', exact: true }).click();
    await zoomText.filter({ hasNotText: fitted }).waitFor();
    const zoomedIn = Number.parseInt((await zoomText.textContent()) ?? '', 10);
    assert.ok(zoomedIn > Number.parseInt(fitted, 10), `zoomed in: ${fitted} → ${zoomedIn} %`);
    await photo.getByRole('button', { name: 'Pivoter à droite', exact: true }).click();
    await photo.locator('img.viewer-img[style*="rotate(90deg)"]').waitFor();
    await shots.take(page, 'counter-photo-zoomed-rotated');
    await photo.locator('.viewer-frame').focus();
    await page.keyboard.press('Shift+R');
    await photo.locator('img.viewer-img[style*="rotate(0deg)"]').waitFor();
    await page.keyboard.press('0');
    await zoomText.filter({ hasText: fitted }).waitFor();
    assert.equal(
      await photo.getByRole('button', { name: 'Ajuster', exact: true }).getAttribute('aria-pressed'),
      'true',
    );

    // The e-prescription's number: the button, then the `c` key, both copy it.
    const number = ((await page.getByTestId('eprescription-number').first().textContent()) ?? '').trim();
    assert.match(number, /\S{6,}/);
    await page.getByTestId('copy-eprescription').first().click();
    await page.locator('.rx-copied', { hasText: 'Numéro copié' }).first().waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), number);
    await page.evaluate(`navigator.clipboard.writeText('')`);
    await page.keyboard.press('c');
    await page.locator('.conv-notice', { hasText: `Numéro ${number} copié.` }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), number);
    await assertNoSideScroll(page, 'counter conversation');
    await shots.take(page, 'counter-conversation');

    // Esc goes back to the inbox. The other conversation is taken too (Enter, m), so that no
    // alert is left waiting for the next counter.
    await page.locator('h1.conv-name').focus();
    await page.keyboard.press('Escape');
    await page.waitForURL('**/pharmacie/#/');
    await page.locator(`[data-testid="row-${newer}"] a.inbox-open`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/pharmacie/#/conversations/${newer}`);
    await page.getByTestId('claim').waitFor();
    await page.keyboard.press('m');
    await page.locator('.conv-claimed--mine').waitFor();

    // The templates page passes the accessibility scan.
    await page.getByRole('link', { name: 'Modèles' }).click();
    await page.waitForURL('**/pharmacie/#/modeles');
    await page.locator('main h1').waitFor();
    await assertAccessible(page, 'counter templates');
    await shots.take(page, 'counter-templates');
    assertQuietConsoles();
    await counter.context.close();
  });

  it('rings again an alert nobody acknowledged, and stops once it is opened', async () => {
    const counter = await open('counter (Thomas, controlled clock)', COUNTER, {
      permissions: ['notifications'],
    });
    const { page, context } = counter;
    await recordAlerts(context);
    await page.clock.install({ time: nextTuesdayTenInParis() });
    await signIn(page, '/pharmacie/', thomas.rpps);
    await liveStream(page);
    // Any gesture arms the sound; desktop notifications are already allowed for this context.
    await page.getByTestId('pharmacy-name').click();
    await page.getByRole('button', { name: 'Activer le son' }).waitFor({ state: 'detached' });
    const enableNotifications = page.getByTestId('enable-notifications');
    if (await enableNotifications.isVisible()) await enableNotifications.click();

    const id = await sendAsPatient('Ordonnance pour ce soir');
    const item = page.getByTestId(`popup-item-${id}`);
    await item.waitFor({ timeout: 10_000 });
    await waitInPage(page, 'window.__alerts.beeps > 0');
    const first = await recordedAlerts(page);
    assert.ok(
      first.notifications.some((n) => n.startsWith('Camille Martin — nouveau message')),
      JSON.stringify(first.notifications),
    );
    await shots.take(page, 'realert-first-ring');

    // Eleven minutes later nobody has opened it: it rings again.
    await page.clock.fastForward('11:00');
    await waitInPage(page, `window.__alerts.beeps > ${first.beeps}`);
    const again = await recordedAlerts(page);
    assert.ok(again.beeps > first.beeps, `beeps: ${first.beeps} → ${again.beeps}`);
    assert.ok(
      again.notifications.length > first.notifications.length &&
        again.notifications.some((n) => n.startsWith('Camille Martin attend une réponse')),
      JSON.stringify(again.notifications),
    );
    await item.waitFor();
    assert.match(await page.title(), /^\(\d+\) Comptoir/, 'the unread count is in the tab title');
    await shots.take(page, 'realert-second-ring');

    // Opened: the alert goes, and eleven more minutes bring no ring.
    await item.click();
    await page.locator('h1.conv-name', { hasText: 'Camille Martin' }).waitFor();
    await item.waitFor({ state: 'detached' });
    await waitInPage(page, `${canvasInkExpression('[data-testid="pdf-viewer"] canvas')}.ink > 0`);
    const acknowledged = await recordedAlerts(page);
    // fastForward fires every due timer before it returns — the 15 s re-alert check among them;
    // the 60 s backstop refresh of the unread list too: once it has answered, nothing is pending.
    const backstop = page.waitForResponse((r) =>
      r.url().includes(`/api/pharmacies/${FINESS}/conversations?filter=unread`),
    );
    await page.clock.fastForward('11:00');
    await backstop;
    const later = await recordedAlerts(page);
    assert.equal(later.beeps, acknowledged.beeps, 'no beep after the alert was acknowledged');
    assert.deepEqual(later.notifications, acknowledged.notifications, 'no notification after it');
    await shots.take(page, 'realert-acknowledged');
    assertQuietConsoles();
    await context.close();
  });
});
