import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (installed by .ci/run), driven by playwright-core: headless, as root without
 * the sandbox, and without the background services that would call Google on a closed network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * What a page complained about in its console: CSP violations, failed loads and uncaught errors.
 * The apps must run under their CSP without a single violation. A page whose network the test
 * cuts (`networkMayFail`) may log the loads that broke with it (net::ERR_…), and nothing else.
 */
export function watchConsole(page: Page, options: { networkMayFail?: boolean } = {}): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (options.networkMayFail && /^Failed to load resource: net::ERR_/.test(text)) return;
    problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { problems };
}
