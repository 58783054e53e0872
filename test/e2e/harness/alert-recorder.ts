import type { BrowserContext, Page } from 'playwright-core';

/**
 * Records, in a test's browser context, the two alerts a page cannot show in a screenshot: the
 * desktop notifications it creates and the beeps it starts (Web Audio oscillators). Installed as
 * an init script through the DevTools protocol, so the page's CSP is untouched. (Browser code, as
 * text: the server's TypeScript project has no DOM types.)
 */
const INSTALL = `(() => {
  const recorded = { notifications: [], beeps: 0 };
  Object.defineProperty(window, '__alerts', { value: recorded });
  const Original = window.Notification;
  if (Original) {
    const Recording = function (title, options) {
      recorded.notifications.push(title + ' — ' + ((options && options.body) || ''));
      return new Original(title, options);
    };
    Object.defineProperty(Recording, 'permission', { get: () => Original.permission });
    Object.defineProperty(Recording, 'requestPermission', { value: () => Original.requestPermission() });
    Object.defineProperty(window, 'Notification', { value: Recording, configurable: true, writable: true });
  }
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    recorded.beeps += 1;
    return start.apply(this, args);
  };
})();`;

export interface RecordedAlerts {
  notifications: string[];
  beeps: number;
}

export async function recordAlerts(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: INSTALL });
}

export function recordedAlerts(page: Page): Promise<RecordedAlerts> {
  return page.evaluate('window.__alerts') as Promise<RecordedAlerts>;
}
