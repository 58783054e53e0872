import type { Page } from 'playwright-core';

/**
 * Small facts about a page that only its DOM knows, read in the browser. (Browser code, as text:
 * the server's TypeScript project has no DOM types.)
 */

export interface HorizontalFit {
  scrollWidth: number;
  clientWidth: number;
  /** The widest elements sticking out on the right, for the failure message. */
  culprits: string[];
}

const FIT = `(() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const cls = typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      culprits.push(el.tagName.toLowerCase() + cls + ' (right ' + Math.round(box.right) + ')');
    }
  }
  return { scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 8) };
})()`;

/** Whether the page scrolls sideways: `scrollWidth` of the document against its `clientWidth`. */
export function horizontalFit(page: Page): Promise<HorizontalFit> {
  return page.evaluate(FIT) as Promise<HorizontalFit>;
}

export interface Focused {
  tag: string;
  id: string;
  text: string;
}

/** The element that has the keyboard focus (the body when none). */
export function focusedElement(page: Page): Promise<Focused> {
  return page.evaluate(`(() => {
    const el = document.activeElement || document.body;
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim().slice(0, 80) };
  })()`) as Promise<Focused>;
}

/** An expression: the size of the first canvas matching `selector`, and how many sampled pixels are dark. */
export function canvasInkExpression(selector: string): string {
  return `(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    if (!canvas || !canvas.width || !canvas.height) return { width: 0, height: 0, ink: 0 };
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4 * 97) if (data[i + 3] > 0 && data[i] < 128) ink += 1;
    return { width: canvas.width, height: canvas.height, ink };
  })()`;
}

export function canvasInk(
  page: Page,
  selector: string,
): Promise<{ width: number; height: number; ink: number }> {
  return page.evaluate(canvasInkExpression(selector)) as Promise<{
    width: number;
    height: number;
    ink: number;
  }>;
}

/**
 * Waits until `condition` (a browser expression) is truthy, checking it every 50 ms in the page,
 * and returns its value. Not page.waitForFunction: that one evals its predicate, which the apps'
 * CSP (no 'unsafe-eval') refuses. Counts checks rather than reading the clock, so that a test
 * driving the page's clock (page.clock) cannot make it time out early.
 */
export function waitInPage<T = unknown>(page: Page, condition: string, timeoutMs = 10_000): Promise<T> {
  return page.evaluate(`new Promise((resolve, reject) => {
    let left = ${Math.ceil(timeoutMs / 50)};
    const check = () => {
      let value;
      try {
        value = (${condition});
      } catch (error) {
        reject(error);
        return;
      }
      if (value) resolve(value);
      else if (--left <= 0) reject(new Error('still false after ${timeoutMs} ms: ' + ${JSON.stringify(condition)}));
      else setTimeout(check, 50);
    };
    check();
  })`) as Promise<T>;
}
