import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { statusFor } from '../http/errors.ts';
import { ATTACHMENT_ERROR_MESSAGES, attachmentError } from './errors.ts';
import { type AttachmentLimits, DEFAULT_LIMITS, DEFAULT_TYPES, parseAttachmentTypes } from './limits.ts';

const MB = 1024 * 1024;

test('configuration: ATTACHMENT_TYPES and ATTACHMENT_MAX_FILE_MB, checked at start', () => {
  assert.deepEqual(loadConfig({}).attachments, DEFAULT_LIMITS);
  const config = loadConfig({
    ATTACHMENT_TYPES: ' application/pdf , IMAGE/JPEG,application/pdf',
    ATTACHMENT_MAX_FILE_MB: '5',
  });
  assert.deepEqual(config.attachments.acceptedTypes, ['application/pdf', 'image/jpeg']);
  assert.equal(config.attachments.maxFileBytes, 5 * MB);
  assert.equal(config.attachments.maxMessageBytes, 25 * MB);
  assert.equal(
    loadConfig({ ATTACHMENT_MAX_FILE_MB: '30' }).attachments.maxMessageBytes,
    30 * MB,
    'a file always fits a message',
  );
  assert.throws(() => loadConfig({ ATTACHMENT_TYPES: 'image/gif' }), ConfigError);
  assert.throws(() => loadConfig({ ATTACHMENT_TYPES: ' , ' }), /at least one/);
  assert.throws(() => loadConfig({ ATTACHMENT_MAX_FILE_MB: '0' }), ConfigError);
  assert.deepEqual(parseAttachmentTypes('image/heic'), { ok: true, types: ['image/heic'] });
});

test('every attachment error code has a French message and the HTTP status of the brief', () => {
  const expected: Record<string, number> = {
    ATTACHMENT_TOO_LARGE: 413,
    ATTACHMENT_TYPE_REFUSED: 415,
    ATTACHMENT_COUNT: 422,
    ATTACHMENT_PIXEL_FLOOD: 422,
    ATTACHMENT_IMAGE_INVALID: 422,
    ATTACHMENT_PDF_ENCRYPTED: 422,
    ATTACHMENT_PDF_INVALID: 422,
    ATTACHMENT_PDF_TOO_MANY_PAGES: 422,
    ATTACHMENT_PDF_TOO_COMPLEX: 422,
  };
  assert.deepEqual(Object.keys(ATTACHMENT_ERROR_MESSAGES).sort(), Object.keys(expected).sort());
  for (const [code, status] of Object.entries(expected)) {
    const error = attachmentError(code as keyof typeof ATTACHMENT_ERROR_MESSAGES);
    assert.equal(statusFor(error), status, code);
    assert.match(error.message, /^[A-ZÀ-Ý].+\.$/u, code);
  }
  const messages = Object.values(ATTACHMENT_ERROR_MESSAGES);
  assert.equal(new Set(messages).size, messages.length, 'one message per code');
});

/** How the README writes each limit's value. */
function readmeValue(key: keyof AttachmentLimits, value: AttachmentLimits[keyof AttachmentLimits]): string[] {
  if (Array.isArray(value)) return value.map((t) => `\`${t}\``);
  const n = value as number;
  if (key.endsWith('Bytes')) return [`${n / MB} MB`];
  if (key === 'maxImagePixels') return [`${n / 1_000_000} Mpx`];
  if (key.endsWith('Edge')) return [`${n} px`];
  if (key.endsWith('Mb')) return [`${n} MB`];
  return [String(n)];
}

test('the README lists every limit of limits.ts with its current value', () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.split('### Attachment limits')[1]?.split(/\n## /)[0] ?? '';
  assert.ok(section.length > 0, 'README has an "Attachment limits" section');
  for (const [key, value] of Object.entries(DEFAULT_LIMITS) as Array<[keyof AttachmentLimits, never]>) {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${key}\``));
    assert.ok(row, `README lists ${key}`);
    for (const shown of readmeValue(key, value))
      assert.ok(row.includes(shown), `README shows ${key} = ${shown}`);
  }
  assert.deepEqual(DEFAULT_LIMITS.acceptedTypes, DEFAULT_TYPES);
});
