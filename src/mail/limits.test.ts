import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MAIL_ERROR_MESSAGES, type MailErrorCode, mailError } from './errors.ts';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from './limits.ts';

const doc = () => fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/mail-format.md'), 'utf8');

/** How docs/mail-format.md writes a limit's value. */
function shown(key: keyof MailLimits, n: number): string {
  if (!key.endsWith('Bytes')) return String(n);
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MB` : `${n / 1024} KB`;
}

test('docs/mail-format.md lists every bound of limits.ts with its current value', () => {
  const section = doc().split('### Bounds')[1]?.split(/\n## /)[0] ?? '';
  assert.ok(section.length > 0, 'the doc has a "Bounds" section');
  for (const [key, value] of Object.entries(DEFAULT_MAIL_LIMITS) as Array<[keyof MailLimits, number]>) {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${key}\``));
    assert.ok(row, `the doc lists ${key}`);
    assert.ok(row.includes(` ${shown(key, value)} `), `the doc shows ${key} = ${shown(key, value)}`);
  }
});

test('every mail error code has its own French message and is in the doc', () => {
  const text = doc();
  for (const code of Object.keys(MAIL_ERROR_MESSAGES) as MailErrorCode[]) {
    const error = mailError(code, { maxBytes: 1 });
    assert.equal(error.code, code);
    assert.match(error.message, /^[A-ZÀ-Ý].+\.$/u, code);
    assert.ok(text.includes(`\`${code}\``), `the doc names ${code}`);
  }
  const messages = Object.values(MAIL_ERROR_MESSAGES);
  assert.equal(new Set(messages).size, messages.length, 'one message per code');
});
