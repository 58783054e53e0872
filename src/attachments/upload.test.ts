import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { DomainError } from '../domain-error.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { MessageUploadBudget, receiveUpload, removeStaleUploads } from './upload.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-upload-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A stream of `count` chunks of `size` bytes; records whether it was destroyed. */
function chunks(count: number, size: number) {
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent === count) return this.push(null);
      sent += 1;
      this.push(Buffer.alloc(size, sent));
    },
  });
  return { stream, sent: () => sent };
}

test('an upload streams to a private temp file, with its size and SHA-256', async () => {
  const tmpDir = path.join(root, 'ok', 'tmp');
  const bytes = Buffer.concat(Array.from({ length: 5 }, (_, i) => Buffer.alloc(1000, i + 1)));
  const upload = await receiveUpload(chunks(5, 1000).stream, { tmpDir, maxBytes: 5000 });
  assert.equal(upload.size, 5000);
  assert.equal(upload.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.deepEqual(fs.readFileSync(upload.path), bytes);
  assert.equal(path.dirname(upload.path), tmpDir);
  assert.equal(fs.statSync(upload.path).mode & 0o777, 0o600);
  assert.equal(fs.statSync(tmpDir).mode & 0o777, 0o700);
  await upload.discard();
  assert.deepEqual(fs.readdirSync(tmpDir), []);
});

test('an oversize upload is aborted while streaming and its temp file removed', async () => {
  const tmpDir = path.join(root, 'big');
  const source = chunks(1000, 1024); // 1000 KiB offered, 10 KiB allowed
  await assert.rejects(receiveUpload(source.stream, { tmpDir, maxBytes: 10 * 1024 }), (error: unknown) => {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, 'ATTACHMENT_TOO_LARGE');
    assert.deepEqual(error.details, { limitBytes: 10 * 1024, scope: 'file' });
    assert.equal(error.message, 'Le fichier dépasse la taille autorisée (10 Ko par fichier).');
    return true;
  });
  assert.deepEqual(fs.readdirSync(tmpDir), [], 'no partial file left behind');
  assert.ok(source.stream.destroyed, 'the source is destroyed, not drained');
  assert.ok(source.sent() < 50, `reading stopped early (${source.sent()} chunks read)`);
});

test('exactly the cap is accepted; one byte more is not', async () => {
  const tmpDir = path.join(root, 'edge');
  const upload = await receiveUpload(Readable.from([Buffer.alloc(4096)]), { tmpDir, maxBytes: 4096 });
  assert.equal(upload.size, 4096);
  await upload.discard();
  await assert.rejects(receiveUpload(Readable.from([Buffer.alloc(4097)]), { tmpDir, maxBytes: 4096 }), {
    code: 'ATTACHMENT_TOO_LARGE',
  });
  assert.deepEqual(fs.readdirSync(tmpDir), []);
});

test('a failing source leaves no temp file and rethrows its error', async () => {
  const tmpDir = path.join(root, 'broken');
  const source = new Readable({
    read() {
      this.destroy(new Error('connection reset'));
    },
  });
  await assert.rejects(receiveUpload(source, { tmpDir, maxBytes: 1024 }), /connection reset/);
  assert.deepEqual(fs.readdirSync(tmpDir), []);
});

test('a source given up before it is read is refused at once, with no temp file', {
  timeout: 30_000,
}, async () => {
  const tmpDir = path.join(root, 'given-up');
  // As busboy leaves a file whose request ended early: destroyed, then an error emitted on it.
  const source = new Readable({ read() {} });
  source.on('error', () => {});
  source.push(Buffer.from('%PDF-1.7'));
  source.destroy();
  source.emit('error', new Error('Part terminated early due to unexpected end of multipart data'));
  source.push(null);
  await assert.rejects(receiveUpload(source, { tmpDir, maxBytes: 1024 }));
  assert.deepEqual(fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir) : [], []);
});

test('the message budget: 1 to 5 files, each capped by what is left of 25 MB', () => {
  const MB = 1024 * 1024;
  const budget = new MessageUploadBudget(DEFAULT_LIMITS);
  assert.throws(() => budget.finish(), { code: 'ATTACHMENT_COUNT' });
  assert.deepEqual(budget.next(), { maxBytes: 10 * MB, scope: 'file' });
  budget.add(9 * MB);
  assert.deepEqual(budget.next(), { maxBytes: 10 * MB, scope: 'file' });
  budget.add(9 * MB);
  assert.deepEqual(budget.next(), { maxBytes: 7 * MB, scope: 'message' });
  budget.add(1 * MB);
  budget.next();
  budget.next();
  assert.throws(() => budget.next(), { code: 'ATTACHMENT_COUNT' });
  budget.finish();
});

test('stale upload temp files (a crash between receive and discard) are swept; others are left alone', async () => {
  const tmpDir = path.join(root, 'sweep');
  const old = await receiveUpload(Readable.from([Buffer.from('old')]), { tmpDir, maxBytes: 100 });
  const fresh = await receiveUpload(Readable.from([Buffer.from('fresh')]), { tmpDir, maxBytes: 100 });
  fs.writeFileSync(path.join(tmpDir, 'keep-me.txt'), 'not ours');
  const hourAgo = new Date(Date.now() - 3600_000);
  fs.utimesSync(old.path, hourAgo, hourAgo);
  fs.utimesSync(path.join(tmpDir, 'keep-me.txt'), hourAgo, hourAgo);
  assert.equal(await removeStaleUploads(tmpDir, 10 * 60_000), 1);
  assert.deepEqual(fs.readdirSync(tmpDir).sort(), [path.basename(fresh.path), 'keep-me.txt'].sort());
  assert.equal(await removeStaleUploads(path.join(root, 'missing'), 0), 0);
});
