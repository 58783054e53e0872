import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Numbered screenshots of a scenario under test/e2e/screenshots/<scenario>/ (ignored by git), so
 * anyone can look at what the users saw at each step.
 */
export function screenshotsFor(scenario: string) {
  const dir = path.resolve(import.meta.dirname, '..', 'screenshots', scenario);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let step = 0;
  return {
    dir,
    /** `fullPage`: the whole scrolled page (a phone's long views), else what the viewport shows. */
    async take(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
      step += 1;
      const file = path.join(dir, `${String(step).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
      return file;
    },
  };
}
